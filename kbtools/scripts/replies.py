"""Answer scripts as agents use them: find one, fill it, show it on the site.

A script body is a Jinja template rendered in the knowledge base's sandbox (``kb.macros``):
its declared placeholders are the only variables, the shared facts are globals. A value is
inserted as text and never evaluated, so ``{{ 7*7 }}`` typed into a value stays literal.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.macros import MacroError
from kbtools.content.model import Article
from kbtools.errors import ContentError, NotFoundError, UsageError
from kbtools.scripts.kind import Placeholder, ScriptMeta


@dataclass(frozen=True, slots=True)
class RenderedScript:
    """A filled reply, ready to paste, with what an agent should know about it."""

    name: str
    path: str
    lang: str
    title: str
    text: str
    channel: str | None
    situation: str | None
    tone: str | None
    use_when: str | None
    fallbacks: tuple[str, ...] = ()
    """Placeholders that were not given and got their fallback."""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ScriptInfo:
    """One script as a catalogue entry: its metadata, merged from its source if translated."""

    article: Article
    meta: ScriptMeta
    channel: str | None
    situation: str | None
    tone: str | None
    use_when: str | None

    @property
    def placeholders(self) -> Mapping[str, Placeholder]:
        return self.meta.placeholders


def script_info(kb: KnowledgeBase, article: Article) -> ScriptInfo:
    """Metadata of ``article`` (a script); a translation takes channel, situation, tone and
    use-when from its source when it does not declare them."""
    meta = article.details_as(ScriptMeta) or ScriptMeta(None, None, None, None)
    base = meta
    if article.is_translation:
        source = kb.corpus.get(article.source or "")
        if source is not None:
            base = source.details_as(ScriptMeta) or base
    return ScriptInfo(article, meta, meta.channel or base.channel,
                      meta.situation or base.situation, meta.tone or base.tone,
                      meta.use_when or base.use_when)


def list_scripts(kb: KnowledgeBase, lang: str | None = None) -> list[ScriptInfo]:
    """Every answer script (source language unless ``lang``), ordered by name."""
    lang = lang or kb.config.default_language
    found = [script_info(kb, a) for a in kb.corpus.of_kind("script") if a.lang == lang]
    return sorted(found, key=lambda info: info.article.name)


def find_script(kb: KnowledgeBase, name: str, lang: str | None = None) -> Article:
    """The script called ``name`` (file stem or repo path) in ``lang``.

    Raises :class:`NotFoundError` naming close matches or the languages that exist.
    """
    sources = {a.name: a for a in kb.corpus.of_kind("script") if not a.is_translation}
    source = kb.corpus.get(name) if name.endswith(".md") else sources.get(name)
    if source is not None and source.is_translation:
        lang = lang or source.lang
        source = kb.corpus.get(source.source or "")
    if source is None or source.kind != "script":
        hint = difflib.get_close_matches(name, sorted(sources), n=3, cutoff=0.5)
        raise NotFoundError(f"no answer script {name!r}" + (
            f" (did you mean {', '.join(hint)}?)" if hint else
            " (`kb script --list` shows them all)"))
    if lang is None or lang == source.lang:
        return source
    translation = kb.corpus.translations_of(source.path).get(lang)
    if translation is None:
        have = [source.lang, *sorted(kb.corpus.translations_of(source.path))]
        raise NotFoundError(f"{source.path} has no {lang!r} translation "
                            f"(available: {', '.join(have)})")
    return translation


def render_script(kb: KnowledgeBase, name: str, *, lang: str | None = None,
                  variables: Mapping[str, str] | None = None) -> RenderedScript:
    """Fill script ``name`` with ``variables`` and the shared facts.

    A blank value counts as not given. Raises :class:`UsageError` listing every missing
    required placeholder and every unknown variable at once, :class:`NotFoundError` for an
    unknown script or language, :class:`ContentError` when the script itself cannot render.
    """
    info = script_info(kb, find_script(kb, name, lang))
    article, declared = info.article, info.placeholders
    given = {k: str(v) for k, v in (variables or {}).items() if str(v).strip()}
    unknown = sorted(set(variables or {}) - set(declared))
    missing = sorted(n for n, p in declared.items() if p.required and n not in given)
    if unknown or missing:
        raise UsageError(_variable_problems(article, declared, missing, unknown))
    values = {n: given[n] if n in given else p.fallback for n, p in declared.items()}
    try:
        text = kb.macros_for(article.lang).render(
            article.body, path=article.path, first_line=article.body_line, variables=values)
    except MacroError as exc:
        raise ContentError(str(exc)) from None
    fallbacks = tuple(n for n in declared if n not in given)
    return RenderedScript(article.name, article.path, article.lang, article.title,
                          text.strip() + "\n", info.channel, info.situation, info.tone,
                          info.use_when, fallbacks)


def _variable_problems(article: Article, declared: Mapping[str, Placeholder],
                       missing: list[str], unknown: list[str]) -> str:
    parts = []
    if missing:
        parts.append("missing required " + ", ".join(
            f"{n} ({declared[n].description})" if declared[n].description else n
            for n in missing))
    for name in unknown:
        hint = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.6)
        parts.append(f"unknown variable {name}" + (f" (did you mean {hint[0]}?)" if hint else
                     f" (placeholders: {', '.join(declared) or 'none'})"))
    example = " ".join(f'--var {n}="..."' for n in missing)
    return f"{article.path}: " + "; ".join(parts) + (f"; give them with {example}" if example else "")


# -- the script page on the internal site --------------------------------------------------

_MARK = "\x00kb-placeholder:{}\x00"
_CHIP = ('<span class="kb-placeholder" title="{title}" style="padding: 0 .2em; '
         'border-radius: .2em; background: var(--md-accent-fg-color--transparent); '
         'font-weight: 600">[{name}]</span>')


def render_page(kb: KnowledgeBase, article: Article, body: str) -> str:
    """Page body for a script: channel, situation and tone; the reply in the site's copy box
    (``data-kb-copy``, see ``kbtools/sites``) with its placeholders as chips ``[name]``; when
    to use it; a table of placeholders with their descriptions and fallbacks.

    Renders from ``article.body`` so placeholders become chips (``body``, already rendered
    by the site, is not used). Raises :class:`~kbtools.templating.MacroError` when a macro
    fails, so the build stops with the file and line.
    """
    info = script_info(kb, article)
    marks = {n: _MARK.format(n) for n in info.placeholders}
    text = kb.macros_for(article.lang).render(
        article.body, path=article.path, first_line=article.body_line, variables=marks).strip()
    shown = html.escape(text, quote=False)
    for name, mark in marks.items():
        title = html.escape(info.placeholders[name].description or name)
        shown = shown.replace(mark, _CHIP.format(name=name, title=title))
    # pre-wrap keeps the reply's line breaks and wraps long paragraphs; the text starts right
    # after the tag so the copied reply has no leading blank line
    parts = [
        _traits_line(info),
        "",
        f'<div class="kb-copy kb-script__reply" data-kb-copy="Copy reply" '
        f'style="white-space: pre-wrap; padding: .8em 1em">{shown}</div>',
        "",
    ]
    if info.use_when:
        parts += ['!!! tip "Use when"', f"    {info.use_when}", ""]
    parts += _placeholder_table(info)
    return "\n".join(parts) + "\n"


def _traits_line(info: ScriptInfo) -> str:
    items = [("Channel", info.channel), ("Situation", info.situation), ("Tone", info.tone)]
    return '<p class="kb-script__traits">' + " · ".join(
        f'<span class="kb-script__trait"><strong>{label}:</strong> {html.escape(value)}</span>'
        for label, value in items if value) + "</p>"


def _placeholder_table(info: ScriptInfo) -> list[str]:
    if not info.placeholders:
        return ["This reply has no placeholders: paste it as it is."]
    rows = ["## Placeholders", "", "| Placeholder | What to put in | If not given |",
            "|---|---|---|"]
    for name, placeholder in info.placeholders.items():
        fallback = ("*required*" if placeholder.required
                    else f"“{_cell(placeholder.fallback or '')}”")
        rows.append(f'| <span class="kb-placeholder">[{name}]</span> | '
                    f"{_cell(placeholder.description)} | {fallback} |")
    return rows


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")
