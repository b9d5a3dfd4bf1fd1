"""Onboarding paths as trainees and leads use them: the terminal view, the lead's check,
the path page and the index of paths by level.

The format and its validation live in :mod:`kbtools.onboarding.kind`; the pages in
:mod:`kbtools.onboarding.page`. Everything here returns data; front-ends render it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kbtools import clock
from kbtools.diagnostics import Finding, sort_findings
from kbtools.errors import NotFoundError
from kbtools.onboarding.kind import PathMeta, Quiz, Task, step_problem, validate_path

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article

PATHS_FOLDER = "docs/onboarding/"
INDEX_PAGE = "onboarding/index.md"
MISSING = "missing"
LEVEL_TITLES = {"specialist-1": "Support specialist 1", "specialist-2": "Support specialist 2",
                "senior": "Senior support specialist", "engineer": "Support engineer"}


@dataclass(frozen=True, slots=True)
class StepView:
    """One step as a trainee sees it: the target's title, URL and content hash when it exists.

    ``flag`` (``overdue``, ``outdated-translation`` or ``missing``) and ``problem`` say why
    the step should not be relied on; both are None when the step is fine.
    """

    ref: str
    minutes: int
    title: str | None
    url: str | None
    content_hash: str | None
    note: str | None = None
    flag: str | None = None
    problem: str | None = None

    @property
    def missing(self) -> bool:
        return self.title is None

    def to_dict(self) -> dict:
        return {"ref": self.ref, "minutes": self.minutes, "title": self.title, "url": self.url,
                "content_hash": self.content_hash, "note": self.note, "flag": self.flag,
                "problem": self.problem}


@dataclass(frozen=True, slots=True)
class StageView:
    title: str
    steps: tuple[StepView, ...]
    checkpoints: tuple[Quiz | Task, ...]

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    def to_dict(self) -> dict:
        return {"title": self.title, "minutes": self.minutes,
                "steps": [s.to_dict() for s in self.steps],
                "checkpoints": [checkpoint_dict(c) for c in self.checkpoints]}


@dataclass(frozen=True)
class PathView:
    """A path resolved against the knowledge base, as ``kb path`` and the page show it."""

    path: str
    title: str
    level: str | None
    owner: str | None
    stages: tuple[StageView, ...]
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    progress_key: str = ""
    """Key of the saved progress: the source path, so every language shares one progress."""

    @property
    def minutes(self) -> int:
        return sum(stage.minutes for stage in self.stages)

    @property
    def steps(self) -> tuple[StepView, ...]:
        return tuple(step for stage in self.stages for step in stage.steps)

    def to_dict(self) -> dict:
        return {"path": self.path, "title": self.title, "level": self.level,
                "owner": self.owner, "minutes": self.minutes,
                "stages": [s.to_dict() for s in self.stages],
                "findings": [f.to_dict() for f in self.findings]}


def checkpoint_dict(checkpoint: Quiz | Task) -> dict:
    if isinstance(checkpoint, Task):
        return {"id": checkpoint.id, "type": "task", "task": checkpoint.task,
                "signoff": checkpoint.signoff}
    return {"id": checkpoint.id, "type": "quiz", "quiz": checkpoint.question,
            "select": checkpoint.select, "explanation": checkpoint.explanation,
            "choices": [{"text": c.text, "correct": c.correct} for c in checkpoint.choices]}


# -- finding paths --------------------------------------------------------------------------
def list_paths(kb: KnowledgeBase) -> list[Article]:
    """Every parsed source path, ordered by level (see ``LEVELS``), then title."""
    paths = [a for a in kb.corpus.of_kind("path")
             if not a.is_translation and a.details_as(PathMeta) is not None]
    return sorted(paths, key=lambda a: (a.details.level_rank, a.title.casefold()))


def find_path(kb: KnowledgeBase, name: str) -> Article:
    """The path called ``name``: its repo path, its path under ``docs/onboarding/`` (with or
    without ``.md``) or its file stem when that is unambiguous.

    Raises :class:`NotFoundError` naming the paths that exist.
    """
    wanted = name.strip().removeprefix("./")
    candidates = [a for a in kb.corpus.of_kind("path") if not a.is_translation]
    for article in candidates:
        short = article.path.removeprefix(PATHS_FOLDER)
        if wanted in (article.path, short, short.removesuffix(".md")):
            return article
    by_stem = [a for a in candidates if a.name == wanted]
    if len(by_stem) == 1:
        return by_stem[0]
    known = ", ".join(a.path.removeprefix(PATHS_FOLDER).removesuffix(".md")
                      for a in candidates) or "none"
    if by_stem:
        raise NotFoundError(f"path {name!r} is ambiguous: "
                            f"{', '.join(a.path for a in by_stem)}")
    raise NotFoundError(f"no onboarding path {name!r} in {PATHS_FOLDER} (known: {known})")


# -- use cases ------------------------------------------------------------------------------
def check_path(kb: KnowledgeBase, name: str, today: date | None = None) -> list[Finding]:
    """Every problem of one path (format, missing and stale steps, quizzes), sorted.

    Raises :class:`NotFoundError` when there is no such path.
    """
    article = find_path(kb, name)
    return _findings(kb, article, today or clock.today())


def _findings(kb: KnowledgeBase, article: Article, today: date) -> list[Finding]:
    loaded = [f for f in kb.corpus.findings if f.path == article.path]
    return sort_findings(loaded + list(validate_path(kb, article, today)))


def path_view(kb: KnowledgeBase, name: str, today: date | None = None) -> PathView:
    """The path called ``name`` resolved against the corpus, with its findings.

    Raises :class:`NotFoundError` when there is no such path.
    """
    return view_of(kb, find_path(kb, name), today or clock.today())


def path_meta(kb: KnowledgeBase, article: Article) -> PathMeta | None:
    """The parsed path of ``article``; a translation without its own stages uses its
    source's."""
    meta = article.details_as(PathMeta)
    if meta is not None:
        return meta
    source = kb.corpus.get(article.source) if article.source else None
    return source.details_as(PathMeta) if source is not None else None


def view_of(kb: KnowledgeBase, article: Article, today: date,
            reader: str | None = None) -> PathView:
    """The path ``article`` as its page shows it to readers of ``reader`` (default: the
    article's language; an English page shown in another language is under that language's
    folder): each step leads to its target's translation into that language where there is
    one, else to the target itself (the agent site writes an article once)."""
    meta = path_meta(kb, article) or PathMeta(None, ())
    page = site_url(article)
    reader = reader or article.lang
    if reader != article.lang and not article.is_translation:
        page = f"{reader}/{page}"
    stages = tuple(
        StageView(stage.title, tuple(_step_view(kb, step, page, today, reader)
                                     for step in stage.steps), stage.checkpoints)
        for stage in meta.stages)
    return PathView(article.path, article.title, meta.level, article.owner, stages,
                    tuple(_findings(kb, article, today)), article.source or article.path)


def _step_view(kb: KnowledgeBase, step, page_url: str, today: date, reader: str) -> StepView:
    target = kb.corpus.get(step.ref)
    if target is None:
        return StepView(step.ref, step.minutes, None, None, None, step.note, MISSING,
                        "does not exist")
    flag, problem = step_problem(kb, target, today) or (None, None)
    shown = kb.corpus.translations_of(target.path).get(reader)
    return StepView(step.ref, step.minutes, target.title,
                    relative_url(page_url, site_url(shown or target)), target.content_hash,
                    step.note, flag, problem)


# -- site URLs ------------------------------------------------------------------------------
def site_url(article: Article | str) -> str:
    """Site-relative URL of an article (directory URLs): ``docs/x/y.md`` -> ``x/y/``,
    ``docs/x/index.md`` -> ``x/``, ``playbooks/p.md`` -> ``playbooks/p/``; a translation
    is under its language: ``docs/faq/a.ru.md`` -> ``ru/faq/a/``."""
    if isinstance(article, str):
        path, prefix = article, ""
    elif article.is_translation and article.source:
        path, prefix = article.source, f"{article.lang}/"
    else:
        path, prefix = article.path, ""
    stem = path.removeprefix("docs/").removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return prefix + stem[: -len("index")]
    return f"{prefix}{stem}/"


def relative_url(from_url: str, to_url: str) -> str:
    """``to_url`` relative to the page at ``from_url`` (both site-relative)."""
    return "../" * from_url.count("/") + to_url or "./"


@dataclass(frozen=True, slots=True)
class PathSummary:
    """One path in the index: ``link`` is its source file relative to ``docs/onboarding/``."""

    path: str
    title: str
    level: str | None
    link: str
    stages: int
    steps: tuple[str, ...]
    quizzes: tuple[str, ...]
    checkpoints: int
    minutes: int
    owner: str | None

    def to_dict(self) -> dict:
        return {"path": self.path, "title": self.title, "level": self.level,
                "stages": self.stages, "steps": len(self.steps),
                "checkpoints": self.checkpoints, "minutes": self.minutes, "owner": self.owner}


def summaries(kb: KnowledgeBase) -> list[PathSummary]:
    """One line per path, ordered by level then title (the index, ``kb path`` alone)."""
    rows = []
    for article in list_paths(kb):
        meta: PathMeta = article.details
        link = posixpath.relpath(article.path, PATHS_FOLDER.rstrip("/"))
        rows.append(PathSummary(
            article.path, article.title, meta.level, link, len(meta.stages),
            tuple(dict.fromkeys(step.ref for step in meta.steps)),
            tuple(dict.fromkeys(q.id for q in meta.quizzes)), len(meta.checkpoints),
            meta.minutes, article.owner))
    return rows
