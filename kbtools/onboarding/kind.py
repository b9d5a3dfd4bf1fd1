"""Onboarding paths: a level, and ordered stages of steps and checkpoints.

A path lives in ``docs/onboarding/``. Its front matter declares::

    level: specialist-1                      # one of LEVELS
    stages:
      - title: "Week 1"
        steps:                               # articles to read, in order
          - {ref: docs/tone/voice-principles.md, minutes: 20, note: optional}
        checkpoints:                         # quizzes and mentor-signed tasks
          - {id: w1-quiz, quiz: Question?, select: 1, explanation: Why.,
             choices: [{text: A, correct: true}, {text: B}]}
          - {id: w1-task, task: Do this., signoff: mentor}

``parse`` turns that into frozen dataclasses and reports shape problems (types, missing keys);
``validate`` runs the checks that need the whole knowledge base (referenced articles exist and
are fresh) or the whole path (correct-answer counts, duplicate ids). Every finding has the
line of the key it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from kbtools import clock
from kbtools.content.durations import parse_duration
from kbtools.content.kinds import ParseContext
from kbtools.content.model import KindMeta
from kbtools.diagnostics import Finding, error, warning
from kbtools.review.schedule import review_state
from kbtools.translations.verdicts import OUTDATED, verdict

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article

LEVELS = ("specialist-1", "specialist-2", "senior", "engineer")
"""Audience levels, from a new specialist to a support engineer (ordered)."""

FIELDS = frozenset({"level", "stages"})

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_STEP_KEYS = frozenset({"ref", "minutes", "note"})
_QUIZ_KEYS = frozenset({"id", "quiz", "select", "choices", "explanation"})
_TASK_KEYS = frozenset({"id", "task", "signoff"})


@dataclass(frozen=True, slots=True)
class Step:
    """An article to read: ``ref`` is its repo-relative path; ``line`` is the file line."""

    ref: str
    minutes: int
    note: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Choice:
    text: str
    correct: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class Quiz:
    """A question with ``select`` correct answers among ``choices``."""

    id: str
    question: str
    select: int
    choices: tuple[Choice, ...]
    explanation: str
    line: int = 0

    @property
    def correct(self) -> tuple[int, ...]:
        """Indexes (in authored order) of the correct choices."""
        return tuple(i for i, choice in enumerate(self.choices) if choice.correct)


@dataclass(frozen=True, slots=True)
class Task:
    """A practical exercise that ``signoff`` (a role or handle) signs off."""

    id: str
    task: str
    signoff: str
    line: int = 0


Checkpoint = Quiz | Task


@dataclass(frozen=True, slots=True)
class Stage:
    title: str
    steps: tuple[Step, ...]
    checkpoints: tuple[Checkpoint, ...]
    line: int = 0

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


@dataclass(frozen=True, slots=True)
class PathMeta(KindMeta):
    """A parsed onboarding path. ``level`` is None when missing or unknown."""

    level: str | None
    stages: tuple[Stage, ...]
    level_line: int = 0

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for stage in self.stages for step in stage.steps)

    @property
    def checkpoints(self) -> tuple[Checkpoint, ...]:
        return tuple(c for stage in self.stages for c in stage.checkpoints)

    @property
    def quizzes(self) -> tuple[Quiz, ...]:
        return tuple(c for c in self.checkpoints if isinstance(c, Quiz))

    @property
    def minutes(self) -> int:
        return sum(stage.minutes for stage in self.stages)

    @property
    def level_rank(self) -> int:
        """Position of the level in :data:`LEVELS` (unknown levels sort last)."""
        return LEVELS.index(self.level) if self.level in LEVELS else len(LEVELS)


# -- parse ----------------------------------------------------------------------------------
def parse(ctx: ParseContext) -> PathMeta | None:
    """Typed path metadata; shape problems become findings on ``ctx``.

    A translation without ``stages`` reuses its source's path and gets None.
    """
    data = ctx.data
    if ctx.is_translation and "stages" not in data:
        return None
    level = data.get("level")
    if level is None:
        ctx.error("title", "path.level", f"missing level (expected {'|'.join(LEVELS)})")
    elif level not in LEVELS:
        ctx.error("level", "path.level", f"unknown level {level!r} (expected {'|'.join(LEVELS)})")
        level = None
    raw = data.get("stages")
    if not isinstance(raw, list) or not raw:
        ctx.error("stages" if raw is not None else "title", "path.stages",
                  "stages must be a non-empty list of {title, steps, checkpoints}")
        raw = []
    stages = tuple(s for i, item in enumerate(raw) if (s := _stage(ctx, f"stages.{i}", item)))
    return PathMeta(level, stages, ctx.meta.line_of("level", 1))


def _line(ctx: ParseContext, key: str) -> int:
    return ctx.meta.line_of(key, 1)


def _text(ctx: ParseContext, item: dict, key: str, prefix: str, code: str) -> str | None:
    value = item.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        where = f"{prefix}.{key}" if key in item else prefix
        what = "missing" if value is None else f"must be text, got {value!r}"
        ctx.error(where, code, f"{key} {what}")
        return None
    return value.strip()


def _unknown_keys(ctx: ParseContext, item: dict, allowed: frozenset, prefix: str,
                  code: str) -> None:
    for key in item:
        if key not in allowed:
            ctx.error(f"{prefix}.{key}", code,
                      f"unknown field {key!r} (expected {', '.join(sorted(allowed))})")


def _stage(ctx: ParseContext, prefix: str, item: object) -> Stage | None:
    if not isinstance(item, dict):
        ctx.error(prefix, "path.stage", "a stage must be {title, steps, checkpoints}")
        return None
    _unknown_keys(ctx, item, frozenset({"title", "steps", "checkpoints"}), prefix, "path.stage")
    title = _text(ctx, item, "title", prefix, "path.stage") or "(untitled stage)"
    steps = _items(ctx, item, "steps", prefix, _step)
    checkpoints = _items(ctx, item, "checkpoints", prefix, _checkpoint)
    if not steps and not checkpoints:
        ctx.error(prefix, "path.stage", f"stage {title!r} has no steps and no checkpoints")
    return Stage(title, steps, checkpoints, _line(ctx, prefix))


def _items(ctx: ParseContext, item: dict, key: str, prefix: str, parse_one) -> tuple:
    raw = item.get(key) or []
    if not isinstance(raw, list):
        ctx.error(f"{prefix}.{key}", f"path.{key[:-1]}", f"{key} must be a list")
        return ()
    parsed = (parse_one(ctx, f"{prefix}.{key}.{i}", entry) for i, entry in enumerate(raw))
    return tuple(p for p in parsed if p is not None)


def _step(ctx: ParseContext, prefix: str, item: object) -> Step | None:
    if isinstance(item, str):
        item = {"ref": item}
    if not isinstance(item, dict):
        ctx.error(prefix, "path.step", "a step must be {ref: PATH, minutes: N, note: TEXT}")
        return None
    _unknown_keys(ctx, item, _STEP_KEYS, prefix, "path.step")
    ref = _text(ctx, item, "ref", prefix, "path.step")
    if ref is None:
        return None
    ref = ref.removeprefix("./")
    minutes = _minutes(ctx, item.get("minutes"), f"{prefix}.minutes" if "minutes" in item
                       else prefix)
    note = item.get("note")
    return Step(ref, minutes, None if note is None else str(note).strip(), _line(ctx, prefix))


def _minutes(ctx: ParseContext, value: object, key: str) -> int:
    """Estimated minutes: a positive number, or a duration such as ``45m`` or ``1h``."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        try:
            return int(parse_duration(value).total_seconds() // 60) or 1
        except ValueError:
            pass
    what = "missing" if value is None else f"got {value!r}"
    ctx.error(key, "path.minutes",
              f"minutes: expected the estimated time as a positive number of minutes "
              f"(or 45m, 1h), {what}")
    return 0


def _checkpoint(ctx: ParseContext, prefix: str, item: object) -> Checkpoint | None:
    if not isinstance(item, dict) or ("quiz" in item) == ("task" in item):
        ctx.error(prefix, "path.checkpoint",
                  "a checkpoint is either {id, quiz, select, choices, explanation} "
                  "or {id, task, signoff}")
        return None
    checkpoint_id = _text(ctx, item, "id", prefix, "path.checkpoint")
    if checkpoint_id and not _ID.match(checkpoint_id):
        ctx.error(f"{prefix}.id", "path.checkpoint",
                  f"checkpoint id {checkpoint_id!r} must be letters, digits, '-', '_' or '.'; "
                  "it keys the trainee's saved progress")
        checkpoint_id = None
    if "task" in item:
        _unknown_keys(ctx, item, _TASK_KEYS, prefix, "path.checkpoint")
        task = _text(ctx, item, "task", prefix, "path.task")
        signoff = _text(ctx, item, "signoff", prefix, "path.task")
        if checkpoint_id and task and signoff:
            return Task(checkpoint_id, task, signoff, _line(ctx, prefix))
        return None
    _unknown_keys(ctx, item, _QUIZ_KEYS, prefix, "path.checkpoint")
    return _quiz(ctx, prefix, item, checkpoint_id)


def _quiz(ctx: ParseContext, prefix: str, item: dict, checkpoint_id: str | None) -> Quiz | None:
    question = _text(ctx, item, "quiz", prefix, "path.quiz")
    explanation = _text(ctx, item, "explanation", prefix, "path.quiz")
    select = item.get("select", 1)
    if not isinstance(select, int) or isinstance(select, bool) or select < 1:
        ctx.error(f"{prefix}.select", "path.quiz",
                  f"select must be the number of correct answers (1 or more), got {select!r}")
        select = None
    raw = item.get("choices")
    if not isinstance(raw, list) or len(raw) < 2:
        ctx.error(f"{prefix}.choices" if raw is not None else prefix, "path.quiz",
                  "choices must be a list of at least two {text, correct}")
        raw = []
    parsed = (_choice(ctx, f"{prefix}.choices.{i}", entry) for i, entry in enumerate(raw))
    choices = tuple(c for c in parsed if c is not None)
    if None in (checkpoint_id, question, explanation, select) or len(choices) != len(raw):
        return None
    return Quiz(checkpoint_id, question, select, choices, explanation, _line(ctx, prefix))


def _choice(ctx: ParseContext, prefix: str, item: object) -> Choice | None:
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, dict):
        ctx.error(prefix, "path.quiz", "a choice must be {text: ..., correct: true}")
        return None
    _unknown_keys(ctx, item, frozenset({"text", "correct"}), prefix, "path.quiz")
    text = _text(ctx, item, "text", prefix, "path.quiz")
    correct = item.get("correct", False)
    if not isinstance(correct, bool):
        ctx.error(f"{prefix}.correct", "path.quiz", f"correct must be true or false, got {correct!r}")
        return None
    return Choice(text, correct, _line(ctx, prefix)) if text else None


# -- validate -------------------------------------------------------------------------------
def validate(kb: KnowledgeBase) -> Iterator[Finding]:
    """Cross-checks of every path: steps exist and are fresh, answers match, ids are unique."""
    today = clock.today()
    for article in kb.corpus.of_kind("path"):
        yield from validate_path(kb, article, today)


def validate_path(kb: KnowledgeBase, article: Article, today: date) -> Iterator[Finding]:
    """Findings for one path article (nothing when it has no parsed path)."""
    meta = article.details
    if not isinstance(meta, PathMeta):
        return
    yield from _check_steps(kb, article, meta, today)
    yield from _check_checkpoints(article, meta)


def _check_steps(kb: KnowledgeBase, article: Article, meta: PathMeta,
                 today: date) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for step in meta.steps:
        if step.ref in seen:
            yield error(article.path, step.line, "path.duplicate-step",
                        f"step {step.ref} is already listed at line {seen[step.ref]}; "
                        "progress is saved per article, so list it once")
            continue
        seen[step.ref] = step.line
        target = kb.corpus.get(step.ref)
        if target is None:
            yield error(article.path, step.line, "path.missing-step",
                        f"step {step.ref} does not exist{_did_you_mean(kb, step.ref)}")
            continue
        problem = step_problem(kb, target, today)
        if problem:
            yield warning(article.path, step.line, "path.stale-step",
                          f"step {step.ref} {problem[1]}")


OVERDUE, OUTDATED_TRANSLATION = "overdue", "outdated-translation"


def step_problem(kb: KnowledgeBase, target: Article, today: date) -> tuple[str, str] | None:
    """Why a trainee should not rely on ``target`` as it is: ``(flag, message)`` where flag
    is ``overdue`` or ``outdated-translation``; None when the article is fine."""
    if target.is_translation:
        source = kb.corpus.get(target.source)
        if verdict(target, source) == OUTDATED:
            return OUTDATED_TRANSLATION, (f"is an outdated translation of {target.source}; "
                                          "point at the source or update the translation")
    state = review_state(target, kb, today)
    if state.overdue:
        return OVERDUE, (f"is overdue for review (due {state.due.isoformat()}, owner "
                         f"{target.owner or 'none'}); review it or pick another article")
    return None


def _did_you_mean(kb: KnowledgeBase, ref: str) -> str:
    import difflib

    # Candidates: the same folder, or the same file name elsewhere (a moved article). Bounded,
    # so a path full of broken steps costs the same in a KB of 100 or 100,000 articles.
    folder, _, name = ref.rpartition("/")
    paths = [a.path for a in kb.corpus.articles
             if a.path.rpartition("/")[0] == folder or a.path.endswith("/" + name)]
    close = difflib.get_close_matches(ref, paths, n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else "; fix the path or remove the step"


def _check_checkpoints(article: Article, meta: PathMeta) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for checkpoint in meta.checkpoints:
        if checkpoint.id in seen:
            yield error(article.path, checkpoint.line, "path.duplicate-id",
                        f"checkpoint id {checkpoint.id!r} is already used at line "
                        f"{seen[checkpoint.id]}; ids key saved progress and must be unique")
        else:
            seen[checkpoint.id] = checkpoint.line
        if isinstance(checkpoint, Quiz) and len(checkpoint.correct) != checkpoint.select:
            yield error(article.path, checkpoint.line, "path.quiz-answers",
                        f"quiz {checkpoint.id!r} declares select: {checkpoint.select} but marks "
                        f"{len(checkpoint.correct)} choice(s) correct")
