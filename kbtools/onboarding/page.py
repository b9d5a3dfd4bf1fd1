"""The onboarding pages: a path page (the curriculum, as HTML) and the index of paths by level.

The page is self-contained: its script and style are inlined (paths are internal pages), and
everything the script needs is in ``data-`` attributes. Saved progress is keyed by the path's
file and by each step's article path and each checkpoint's id, never by position, so it
survives reordering and rebuilds. Each step carries its article's content hash; the script
stores the hash when a trainee marks the step read and flags the step when it changes.

Raw HTML blocks must not contain blank lines (Python-Markdown would end the block there), so
every fragment is joined with single newlines.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from kbtools import clock
from kbtools.content.pages import GeneratedPage
from kbtools.onboarding.kind import LEVELS, Quiz, Task
from kbtools.onboarding.views import (
    INDEX_PAGE,
    LEVEL_TITLES,
    PATHS_FOLDER,
    PathSummary,
    PathView,
    StageView,
    StepView,
    path_meta,
    summaries,
    view_of,
)

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article

STORAGE_PREFIX = "kb-onboarding:"
_FLAG_LABELS = {
    "overdue": "due for review: check details with your mentor",
    "outdated-translation": "translation behind the original",
    "missing": "not available yet",
}


def format_minutes(minutes: int) -> str:
    """Reading time the way people say it: ``95`` -> ``1h 35m``, ``20`` -> ``20m``."""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return f"{hours}h {rest}m"
    return f"{hours}h" if hours else f"{rest}m"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


@cache
def _asset(name: str) -> str:
    text = resources.files("kbtools.onboarding").joinpath("assets", name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if line.strip())


def script_body() -> str:
    """The body of the inline ``<script>`` onboarding pages carry: the one script kbtools puts
    into page content. The internal site's sanitizer keeps exactly this body, and ``kb serve``
    lets exactly this body run (see :mod:`kbtools.sites.sanitize`)."""
    return f"\n{_asset('kb-onboarding.js')}\n"


def assets_html() -> str:
    """The inline style and script every onboarding page carries."""
    return (f'<style>\n{_asset("kb-onboarding.css")}\n</style>\n'
            f"<script>{script_body()}</script>")


# -- the path page --------------------------------------------------------------------------
def path_html(view: PathView) -> str:
    """The curriculum block of one path page (a raw HTML block without blank lines)."""
    level = LEVEL_TITLES.get(view.level or "", view.level or "no level")
    total = format_minutes(view.minutes)
    parts = [
        f'<div class="kb-path" data-kb-path="{_attr(view.progress_key or view.path)}">',
        '<div class="kb-path-summary">',
        f'<p class="kb-path-meta"><span class="kb-path-level">{escape(level)}</span> · '
        f'Total time: <strong class="kb-path-total">{total}</strong> · '
        f'Remaining: <strong class="kb-path-remaining">{total}</strong></p>',
        '<div class="kb-path-bar" role="progressbar" aria-label="Your progress on this path" '
        'aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">'
        '<span class="kb-path-bar-fill"></span></div>',
        '<p class="kb-path-progress" aria-live="polite">No progress saved yet.</p>',
        '<p class="kb-path-actions"><button type="button" class="md-button kb-path-reset">'
        'Reset my progress</button> <span class="kb-path-storage" hidden>This browser does not '
        'let the page save your progress.</span></p>',
        "</div>",
    ]
    parts.extend(_stage_html(index, stage) for index, stage in enumerate(view.stages, 1))
    parts.append("</div>")
    parts.append(assets_html())
    return "\n".join(parts)


def _stage_html(index: int, stage: StageView) -> str:
    count = len(stage.steps)
    parts = [
        f'<section class="kb-path-stage" id="stage-{index}">',
        f'<h2 class="kb-path-stage-title">{escape(stage.title)}</h2>',
        f'<p class="kb-path-stage-time">{count} step{"s" if count != 1 else ""} · '
        f"{format_minutes(stage.minutes)}</p>",
    ]
    if stage.steps:
        parts.append('<ol class="kb-path-steps">')
        parts.extend(_step_html(step) for step in stage.steps)
        parts.append("</ol>")
    if stage.checkpoints:
        parts.append('<div class="kb-path-checkpoints">')
        parts.extend(_quiz_html(c) if isinstance(c, Quiz) else _task_html(c)
                     for c in stage.checkpoints)
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _step_html(step: StepView) -> str:
    flag = (f'<span class="kb-step-flag kb-step-{_attr(step.flag)}">'
            f"{escape(_FLAG_LABELS[step.flag])}</span>") if step.flag else ""
    note = f'<span class="kb-step-note">{escape(step.note)}</span>' if step.note else ""
    minutes = f'<span class="kb-step-minutes">{format_minutes(step.minutes)}</span>'
    if step.missing:
        return (f'<li class="kb-path-step kb-step-missing" data-step="{_attr(step.ref)}">'
                f'<span class="kb-step-title">{escape(step.ref)}</span> {minutes} {flag}'
                f"{note}</li>")
    title = escape(step.title or step.ref)
    return (
        f'<li class="kb-path-step" data-step="{_attr(step.ref)}" '
        f'data-hash="{_attr(step.content_hash)}" data-minutes="{step.minutes}">'
        f'<label class="kb-step-check"><input type="checkbox" class="kb-step-read" '
        f'aria-label="I have read {_attr(step.title)}"> read</label> '
        f'<a class="kb-step-link" href="{_attr(step.url)}">{title}</a> {minutes} {flag}'
        '<span class="kb-step-updated" hidden>updated since you read it '
        '<button type="button" class="kb-step-reread">I have read the new version</button>'
        f"</span>{note}</li>"
    )


def choice_order(quiz: Quiz) -> list[int]:
    """A stable shuffle of the choices (same on every build), so the right answer is not
    always where the author happened to write it."""
    def key(index: int) -> str:
        text = f"{quiz.id}\0{quiz.choices[index].text}".encode()
        return hashlib.sha256(text).hexdigest()

    return sorted(range(len(quiz.choices)), key=key)


def _quiz_html(quiz: Quiz) -> str:
    kind = "radio" if quiz.select == 1 else "checkbox"
    name = _attr(f"kb-quiz-{quiz.id}")
    hint = "Choose one answer." if quiz.select == 1 else f"Choose {quiz.select} answers."
    choices = "\n".join(
        f'<label class="kb-quiz-choice"><input type="{kind}" name="{name}" value="{i}"> '
        f"{escape(quiz.choices[i].text)}</label>"
        for i in choice_order(quiz))
    correct = ",".join(str(i) for i in quiz.correct)
    return "\n".join([
        f'<form class="kb-quiz" data-quiz="{_attr(quiz.id)}" data-select="{quiz.select}" '
        f'data-correct="{correct}">',
        f'<p class="kb-quiz-question"><strong>Quiz:</strong> {escape(quiz.question)} '
        f'<span class="kb-quiz-hint">{hint}</span> '
        '<span class="kb-quiz-passed" hidden>Passed</span></p>',
        choices,
        '<p><button type="submit" class="md-button kb-quiz-submit">Check my answer</button></p>',
        '<p class="kb-quiz-feedback" aria-live="polite"></p>',
        f'<p class="kb-quiz-explanation" hidden>{escape(quiz.explanation)}</p>',
        "</form>",
    ])


def _task_html(task: Task) -> str:
    return (f'<div class="kb-task" data-task="{_attr(task.id)}"><p><strong>Practical task</strong>'
            f' (signed off by your {escape(task.signoff)}): {escape(task.task)}</p></div>')


# -- the index ------------------------------------------------------------------------------
def index_markdown(groups: list[tuple[str, list[PathSummary]]]) -> str:
    """The index page: a heading per level and a table of its paths with saved progress."""
    lines = ["# Onboarding paths", "",
             "Paths for each level, in the order agents usually take them. Your progress on "
             "each path is saved in this browser.", ""]
    for title, rows in groups:
        lines += [f"## {title}", "", "| Path | Stages | Steps | Time | Your progress |",
                  "|---|---|---|---|---|"]
        for row in rows:
            items = _attr(json.dumps({"steps": row.steps, "quizzes": row.quizzes}))
            name = row.title.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
            lines.append(
                f"| [{name}]({row.link}) | {row.stages} | {len(row.steps)} | "
                f"{format_minutes(row.minutes)} | <span class=\"kb-path-index-progress\" "
                f"data-kb-path=\"{_attr(row.path)}\" data-kb-items=\"{items}\">not started"
                "</span> |")
        lines.append("")
    lines.append(f"<script>{script_body()}</script>")
    return "\n".join(lines) + "\n"


# -- the kind's pages -----------------------------------------------------------------------------
def render_page(kb: KnowledgeBase, article: Article, body: str) -> str:
    """The path page: the author's body, then the interactive curriculum (raw HTML)."""
    if path_meta(kb, article) is None:
        return body
    view = view_of(kb, article, clock.today())
    return f"{body.rstrip()}\n\n{path_html(view)}\n"


def index_pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    """``onboarding/index.md``: every path grouped by level (unless the KB has its own)."""
    if kb.corpus.get(PATHS_FOLDER + "index.md") is not None:
        return []
    rows = summaries(kb)
    if not rows:
        return []
    groups = [(LEVEL_TITLES.get(level, "Other paths"), [r for r in rows if r.level == level])
              for level in (*LEVELS, None)]
    body = index_markdown([(title, group) for title, group in groups if group])
    return [GeneratedPage(INDEX_PAGE, "Onboarding paths", body)]
