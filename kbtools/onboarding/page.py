"""The onboarding pages: a path page (the curriculum, as HTML) and the index of paths by level.

The page is self-contained: its script and style are inlined (paths are internal pages), and
everything the script needs is in ``data-`` attributes, its interface strings too
(``data-kb-strings``), so the script's body is the same on every page and in every language.
Every interface string comes from the translation catalogs (``onboarding.*`` keys, see
:mod:`kbtools.content.catalogs`) in the reader's language; titles, notes and quizzes stay as
authored. Saved progress is keyed by the path's file and by each step's article path and each
checkpoint's id, never by position, so it survives reordering, rebuilds and languages. Each
step carries its article's content hash; the script stores the hash when a trainee marks the
step read and flags the step when it changes.

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
from kbtools.content.catalogs import Catalog, catalog, direction
from kbtools.content.pages import GeneratedPage
from kbtools.onboarding.kind import LEVELS, Quiz, Task
from kbtools.onboarding.views import (
    INDEX_PAGE,
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
SCRIPT_STRINGS = ("progress", "time.hours_minutes", "time.hours", "time.minutes", "choose_one",
                  "choose_exactly", "correct", "wrong", "reset_confirm")
"""The ``onboarding.*`` strings the path page's script shows (``data-kb-strings``)."""
INDEX_SCRIPT_STRINGS = ("index_progress",)
"""The ``onboarding.*`` strings the index's script shows."""


def format_minutes(minutes: int, strings: Catalog | None = None) -> str:
    """Reading time the way people say it: ``95`` -> ``1h 35m``, ``20`` -> ``20m`` (in the
    language of ``strings``, the ``onboarding.time.*`` strings; English without)."""
    hours, rest = divmod(max(minutes, 0), 60)
    key = "hours_minutes" if hours and rest else "hours" if hours else "minutes"
    if strings is not None:
        return strings.text(f"onboarding.time.{key}", hours=hours, minutes=rest)
    return {"hours_minutes": f"{hours}h {rest}m", "hours": f"{hours}h",
            "minutes": f"{rest}m"}[key]


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _text(strings: Catalog, key: str, **values: object) -> str:
    """``onboarding.<key>`` as HTML text: the string escaped, then each ``{name}`` replaced by
    ``values[name]``, which is HTML already (markup kbtools writes, or escaped text)."""
    text = escape(strings.text(f"onboarding.{key}"), quote=False)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _script_strings(strings: Catalog, keys: tuple[str, ...]) -> str:
    """The ``data-kb-strings`` attribute value: ``keys`` and their text, as escaped JSON."""
    return _attr(json.dumps({key: strings.text(f"onboarding.{key}") for key in keys},
                            ensure_ascii=False, sort_keys=True))


def level_title(strings: Catalog, level: str | None) -> str:
    """A level's name for readers (``onboarding.level.<level>``); the level as written when
    the catalogs do not name it."""
    if not level:
        return strings.text("onboarding.no_level")
    return strings.get(f"onboarding.level.{level}") or level


@cache
def _asset(name: str) -> str:
    text = resources.files("kbtools.onboarding").joinpath("assets", name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if line.strip())


def script_body() -> str:
    """The body of the inline ``<script>`` onboarding pages carry: the one script kbtools puts
    into page content, the same in every language. The internal site's sanitizer keeps
    exactly this body, and ``kb serve`` lets exactly this body run (see
    :mod:`kbtools.sites.sanitize`)."""
    return f"\n{_asset('kb-onboarding.js')}\n"


def assets_html() -> str:
    """The inline style and script every onboarding page carries."""
    return (f'<style>\n{_asset("kb-onboarding.css")}\n</style>\n'
            f"<script>{script_body()}</script>")


# -- the path page --------------------------------------------------------------------------
def path_html(view: PathView, strings: Catalog) -> str:
    """The curriculum block of one path page (a raw HTML block without blank lines), its
    interface in the language of ``strings`` and marked so (``lang``, ``dir``): a path shown
    as the English fallback copy in the Arabic site is an Arabic, right-to-left widget, whose
    authored texts (titles, notes, quizzes) each keep their own direction (``dir="auto"``)."""
    total = format_minutes(view.minutes, strings)
    parts = [
        f'<div class="kb-path" data-kb-path="{_attr(view.progress_key or view.path)}" '
        f'lang="{_attr(strings.lang)}" dir="{direction(strings.lang)}" '
        f'data-kb-strings="{_script_strings(strings, SCRIPT_STRINGS)}">',
        '<div class="kb-path-summary">',
        f'<p class="kb-path-meta"><span class="kb-path-level">'
        f"{escape(level_title(strings, view.level))}</span> · "
        + _text(strings, "total", time=f'<strong class="kb-path-total">{escape(total)}</strong>')
        + " · "
        + _text(strings, "remaining",
                time=f'<strong class="kb-path-remaining">{escape(total)}</strong>') + "</p>",
        '<div class="kb-path-bar" role="progressbar" '
        f'aria-label="{_attr(strings.text("onboarding.progress_label"))}" '
        'aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">'
        '<span class="kb-path-bar-fill"></span></div>',
        f'<p class="kb-path-progress" aria-live="polite">{_text(strings, "no_progress")}</p>',
        '<p class="kb-path-actions"><button type="button" class="md-button kb-path-reset">'
        f'{_text(strings, "reset")}</button> <span class="kb-path-storage" hidden>'
        f'{_text(strings, "storage_blocked")}</span></p>',
        "</div>",
    ]
    parts.extend(_stage_html(index, stage, strings)
                 for index, stage in enumerate(view.stages, 1))
    parts.append("</div>")
    parts.append(assets_html())
    return "\n".join(parts)


def _stage_html(index: int, stage: StageView, strings: Catalog) -> str:
    count = len(stage.steps)
    steps = (_text(strings, "stage_steps_one") if count == 1
             else _text(strings, "stage_steps", count=count))
    parts = [
        f'<section class="kb-path-stage" id="stage-{index}">',
        f'<h2 class="kb-path-stage-title" dir="auto">{escape(stage.title)}</h2>',
        f'<p class="kb-path-stage-time">{steps} · '
        f"{escape(format_minutes(stage.minutes, strings))}</p>",
    ]
    if stage.steps:
        parts.append('<ol class="kb-path-steps">')
        parts.extend(_step_html(step, strings) for step in stage.steps)
        parts.append("</ol>")
    if stage.checkpoints:
        parts.append('<div class="kb-path-checkpoints">')
        parts.extend(_quiz_html(c, strings) if isinstance(c, Quiz) else _task_html(c, strings)
                     for c in stage.checkpoints)
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _step_html(step: StepView, strings: Catalog) -> str:
    flag = (f'<span class="kb-step-flag kb-step-{_attr(step.flag)}">'
            f"{_text(strings, 'flag.' + step.flag)}</span>") if step.flag else ""
    note = (f'<span class="kb-step-note" dir="auto">{escape(step.note)}</span>'
            if step.note else "")
    minutes = (f'<span class="kb-step-minutes">'
               f"{escape(format_minutes(step.minutes, strings))}</span>")
    if step.missing:
        return (f'<li class="kb-path-step kb-step-missing" data-step="{_attr(step.ref)}">'
                f'<span class="kb-step-title" dir="auto">{escape(step.ref)}</span> {minutes} {flag}'
                f"{note}</li>")
    title = escape(step.title or step.ref)
    label = strings.text("onboarding.read_label", title=step.title or step.ref)
    return (
        f'<li class="kb-path-step" data-step="{_attr(step.ref)}" '
        f'data-hash="{_attr(step.content_hash)}" data-minutes="{step.minutes}">'
        f'<label class="kb-step-check"><input type="checkbox" class="kb-step-read" '
        f'aria-label="{_attr(label)}"> {_text(strings, "read")}</label> '
        f'<a class="kb-step-link" dir="auto" href="{_attr(step.url)}">{title}</a> {minutes} {flag}'
        f'<span class="kb-step-updated" hidden>{_text(strings, "updated")} '
        f'<button type="button" class="kb-step-reread">{_text(strings, "reread")}</button>'
        f"</span>{note}</li>"
    )


def choice_order(quiz: Quiz) -> list[int]:
    """A stable shuffle of the choices (same on every build), so the right answer is not
    always where the author happened to write it."""
    def key(index: int) -> str:
        text = f"{quiz.id}\0{quiz.choices[index].text}".encode()
        return hashlib.sha256(text).hexdigest()

    return sorted(range(len(quiz.choices)), key=key)


def _quiz_html(quiz: Quiz, strings: Catalog) -> str:
    kind = "radio" if quiz.select == 1 else "checkbox"
    name = _attr(f"kb-quiz-{quiz.id}")
    hint = (_text(strings, "choose_one") if quiz.select == 1
            else _text(strings, "choose_many", count=quiz.select))
    choices = "\n".join(
        f'<label class="kb-quiz-choice"><input type="{kind}" name="{name}" value="{i}"> '
        f'<span dir="auto">{escape(quiz.choices[i].text)}</span></label>'
        for i in choice_order(quiz))
    correct = ",".join(str(i) for i in quiz.correct)
    return "\n".join([
        f'<form class="kb-quiz" data-quiz="{_attr(quiz.id)}" data-select="{quiz.select}" '
        f'data-correct="{correct}">',
        f'<p class="kb-quiz-question"><strong>{_text(strings, "quiz")}</strong> '
        f'<span dir="auto">{escape(quiz.question)}</span> '
        f'<span class="kb-quiz-hint">{hint}</span> '
        f'<span class="kb-quiz-passed" hidden>{_text(strings, "passed")}</span></p>',
        choices,
        '<p><button type="submit" class="md-button kb-quiz-submit">'
        f'{_text(strings, "check")}</button></p>',
        '<p class="kb-quiz-feedback" aria-live="polite"></p>',
        f'<p class="kb-quiz-explanation" dir="auto" hidden>{escape(quiz.explanation)}</p>',
        "</form>",
    ])


def _task_html(task: Task, strings: Catalog) -> str:
    signoff = _text(strings, "signoff", signoff=f'<span dir="auto">{escape(task.signoff)}</span>')
    return (f'<div class="kb-task" data-task="{_attr(task.id)}"><p><strong>'
            f'{_text(strings, "task")}</strong> ({signoff}): '
            f'<span dir="auto">{escape(task.task)}</span></p></div>')


# -- the index ------------------------------------------------------------------------------
def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return escape(text, quote=False).replace("|", "\\|")


def index_markdown(groups: list[tuple[str, list[PathSummary]]], strings: Catalog) -> str:
    """The index page: a heading per level and a table of its paths with saved progress, in
    the language of ``strings``."""
    columns = " | ".join(_cell(strings.text(f"onboarding.column.{name}"))
                         for name in ("path", "stages", "steps", "time", "progress"))
    script_strings = _script_strings(strings, INDEX_SCRIPT_STRINGS)
    lines = [f"# {_cell(strings.text('onboarding.index_title'))}", "",
             _cell(strings.text("onboarding.index_intro")), ""]
    for title, rows in groups:
        lines += [f"## {_cell(title)}", "", f"| {columns} |", "|---|---|---|---|---|"]
        for row in rows:
            items = _attr(json.dumps({"steps": row.steps, "quizzes": row.quizzes}))
            name = row.title.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
            lines.append(
                f"| [{name}]({row.link}) | {row.stages} | {len(row.steps)} | "
                f"{_cell(format_minutes(row.minutes, strings))} | "
                f'<span class="kb-path-index-progress" data-kb-path="{_attr(row.path)}" '
                f'data-kb-items="{items}" data-kb-strings="{script_strings}">'
                f'{_cell(strings.text("onboarding.not_started"))}</span> |')
        lines.append("")
    lines.append(f"<script>{script_body()}</script>")
    return "\n".join(lines) + "\n"


# -- the kind's pages -----------------------------------------------------------------------------
def render_page(kb: KnowledgeBase, article: Article, body: str, lang: str | None = None) -> str:
    """The path page for readers of ``lang`` (the article's language when None): the author's
    body, then the interactive curriculum (raw HTML) with its interface in that language."""
    if path_meta(kb, article) is None:
        return body
    view = view_of(kb, article, clock.today(), lang)
    strings = catalog(kb, lang or article.lang)
    return f"{body.rstrip()}\n\n{path_html(view, strings)}\n"


def index_pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    """``onboarding/index.md`` in every language of the KB: every path grouped by level (unless
    the KB has its own index)."""
    if kb.corpus.get(PATHS_FOLDER + "index.md") is not None:
        return []
    rows = summaries(kb)
    if not rows:
        return []
    pages = []
    for lang in kb.config.languages:
        strings = catalog(kb, lang)
        groups = [(level_title(strings, level) if level else
                   strings.text("onboarding.other_paths"),
                   [r for r in rows if r.level == level]) for level in (*LEVELS, None)]
        body = index_markdown([(title, group) for title, group in groups if group], strings)
        pages.append(GeneratedPage(INDEX_PAGE, strings.text("onboarding.index_title"), body,
                                   lang=lang))
    return pages
