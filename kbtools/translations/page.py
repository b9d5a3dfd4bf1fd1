"""The internal site's translation status pages, rendered from a :class:`TranslationReport`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbtools.content.kinds import internal_pages
from kbtools.content.pages import GeneratedPage
from kbtools.translations.report import TranslationReport, TranslationStatus, translation_report
from kbtools.translations.verdicts import CURRENT, STATUSES

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

FOLDER = "reports/translations"
_BADGE = {"current": "✅ current", "outdated": "⚠️ outdated", "missing": "➖ missing",
          "orphaned": "🗑️ orphaned", "untracked": "❔ untracked", "skipped": "⛔ skipped"}


@internal_pages
def pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    """The internal site's translation status pages: one per language."""
    return status_pages(kb, translation_report(kb))


def status_pages(kb: KnowledgeBase, report: TranslationReport) -> list[GeneratedPage]:
    """An overview page and one page per translation language (internal site only)."""
    summary = report.summary()
    pages = [GeneratedPage(f"{FOLDER}/index.md", "Translation status", _overview(report, summary))]
    for lang in report.languages:
        items = [i for i in report.items if i.lang == lang]
        pages.append(GeneratedPage(f"{FOLDER}/{lang}.md", f"Translation status: {lang}",
                                   _language(lang, items, summary[lang], report.history)))
    return pages


def _overview(report: TranslationReport, summary: dict) -> str:
    lines = ["# Translation status", "",
             "Which translations are behind their source, from `kb translations`. A "
             "translation is *current* when the source's text is the one it was made from. "
             "% current counts the translations that should exist (current, outdated, "
             "untracked, missing).", "",
             "| language | % current | " + " | ".join(STATUSES) + " | machine drafts |",
             "|---|---:|" + "---:|" * len(STATUSES) + "---:|"]
    for lang, counts in summary.items():
        cells = " | ".join(str(counts[s]) for s in STATUSES)
        lines.append(f"| [{lang}]({lang}.md) | {counts['percent_current']}% | {cells} | "
                     f"{counts['machine']} |")
    lines += ["", _history_note(report.history)]
    return "\n".join(lines).rstrip() + "\n"


def _language(lang: str, items: list[TranslationStatus], counts: dict, history: str) -> str:
    """A language's page: its figures, then a row for each translation that needs someone
    (every verdict but current, and machine drafts awaiting review). Current ones are
    counted, not listed: at hundreds of translations their rows buried the few to act on,
    and made the page slow to render again each time a source changes."""
    shown = [item for item in items if item.status != CURRENT or item.machine]
    lines = [f"# Translation status: {lang}", "",
             f"**{counts['percent_current']}% current** ({counts['current']} of "
             f"{counts['expected']} expected); " + ", ".join(f"{counts[s]} {s}" for s in STATUSES[1:])
             + f"; {counts['machine']} machine draft(s) awaiting review.", ""]
    if shown:
        lines += ["| status | translation | source | behind | owner | note |",
                  "|---|---|---|---|---|---|"]
    else:
        lines.append("No translation into this language is behind, missing or waiting for "
                     "review.")
    for item in shown:
        behind = ""
        if item.behind_commits is not None:
            behind = f"{item.behind_commits} commit(s), {item.changed_lines or 0} line(s)"
        badge = _BADGE[item.status] + (" · machine draft" if item.machine else "")
        lines.append(f"| {badge} | `{item.path}` | `{item.source}` | {behind} | "
                     f"{item.owner or ''} | {_cell(item.note or '')} |")
    if len(shown) < len(items):
        lines += ["", f"{len(items) - len(shown)} current translation(s) not listed: "
                  f"`kb translations --lang {lang} --status current` lists them."]
    lines += ["", "Update an outdated translation with `kb translations diff PATH`, then "
              "`kb translations mark-current PATH`.", "", _history_note(history)]
    return "\n".join(lines).rstrip() + "\n"


def _history_note(history: str) -> str:
    if history == "ok":
        return ""
    return (f"*Git history: {history}. Verdicts come from content hashes; how far behind "
            "could not always be computed.*")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
