"""The content health pages of the internal site: the stale report, summarised for a lead,
and each owner's to-do list.

:func:`health` collects the numbers (from the same :func:`~kbtools.stale.stale_report` that
``kb stale`` prints, plus translation verdicts); :func:`render` turns them into the summary page
with an inline SVG chart (no scripts, no external files), and :func:`render_owner` into the
page of one owner's articles that need attention (``reports/owners/<handle>.md``, linked from
the summary's owner table); :func:`pages` is the generated-page provider registered in
:mod:`kbtools.pages`. The pages are internal only.

Each owner's list has its own page because a build renders a page again only when it changed
(:mod:`kbtools.sites.pagecache`): the summary changes with almost every edit (its translation
coverage counts every source whose text moved), an owner's list only when one of their
articles changes status. At 1,000 articles the lists were 2,000 items on the one page, which
took 0.35 s to convert again on each such edit.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html import escape

from kbtools.content.kinds import internal_pages
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.owners import Owners
from kbtools.content.pages import GeneratedPage
from kbtools.feedback import MIN_VOTES, ArticleVotes, unhelpful_articles
from kbtools.review.stale import REASONS, Entry, StaleReport, stale_report
from kbtools.translations.report import translation_report
from kbtools.translations.verdicts import (
    CURRENT,
    MISSING,
    ORPHANED,
    OUTDATED,
    SKIPPED,
    UNTRACKED,
    percent_current,
)

PAGE_PATH = "reports/health.md"
OWNERS_FOLDER = "reports/owners"
STATUSES = ("current", "due-soon", "overdue", "never-reviewed")
AGE_BUCKETS = (("under 1 month", 30), ("1-3 months", 91), ("3-6 months", 183),
               ("6-12 months", 366), ("over 1 year", None))
NEVER = "never reviewed"
OLDEST = 10
_COLOURS = ("#2e7d32", "#7cb342", "#fbc02d", "#f57c00", "#c62828", "#757575")


@dataclass(frozen=True)
class OwnerHealth:
    """One responsible owner's articles (``handle`` None: nobody answers for them)."""

    handle: str | None
    articles: int
    statuses: Counter
    flagged: tuple[Entry, ...]


@dataclass(frozen=True)
class Coverage:
    """Translations into one language, by verdict, as ``kb translations`` counts them."""

    lang: str
    expected: int
    """The translations that should exist (see :data:`~verdicts.EXPECTED`)."""
    verdicts: Counter

    @property
    def percent_current(self) -> float:
        """The one "% current" (:func:`~kbtools.translations.verdicts.percent_current`)."""
        return percent_current(self.verdicts)


@dataclass(frozen=True)
class Health:
    """Everything on the health page, computed for ``as_of``."""

    as_of: date
    articles: int
    statuses: Counter
    reasons: Counter
    owners: tuple[OwnerHealth, ...]
    oldest: tuple[Entry, ...]
    broken: tuple[tuple[str, int, str], ...]
    coverage: tuple[Coverage, ...]
    ages: tuple[tuple[str, int], ...]
    orphaned_assets: tuple[str, ...] = field(default=())
    default_language: str = "en"
    unhelpful: tuple[tuple[ArticleVotes, str | None], ...] = field(default=())
    """Articles readers voted unhelpful on the public site, worst first, with their titles
    (the same list as ``kb gaps``)."""


def health(kb: KnowledgeBase, as_of: str | date | None = None,
           report: StaleReport | None = None) -> Health:
    """Collect the health page's numbers for ``kb`` on ``as_of`` (or from ``report``)."""
    report = report or stale_report(kb, as_of=as_of)
    articles = [e for e in report.entries if not e.asset]
    statuses = Counter(status_of(e) for e in articles)
    reasons = Counter(code for e in report.entries for code in e.codes)
    broken = tuple((e.path, r.line, r.message) for e in articles for r in e.reasons
                   if r.code == "broken-link")
    oldest = sorted((e for e in articles if e.reviewed), key=lambda e: (e.reviewed, e.path))
    titles = {a.path: a.title for a in kb.corpus.articles}
    return Health(
        report.as_of, len(articles), statuses, reasons, _owners(articles),
        tuple(oldest[:OLDEST]), broken, _coverage(kb), _ages(articles, report.as_of),
        tuple(e.path for e in report.entries if e.asset), kb.config.default_language,
        tuple((row, titles.get(row.path)) for row in unhelpful_articles(kb, top=OLDEST)))


def status_of(entry: Entry) -> str:
    """An article's review status: overdue, never-reviewed, due-soon or current."""
    codes = entry.codes
    for status in ("overdue", "never-reviewed", "due-soon"):
        if status in codes:
            return status
    return "current"


def _owners(articles: list[Entry]) -> tuple[OwnerHealth, ...]:
    groups: dict[str | None, list[Entry]] = {}
    for entry in articles:
        groups.setdefault(entry.owner, []).append(entry)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    return tuple(OwnerHealth(handle, len(items), Counter(status_of(e) for e in items),
                             tuple(sorted((e for e in items if e.flagged),
                                          key=Entry.urgency)))
                 for handle, items in ordered)


def _coverage(kb: KnowledgeBase) -> tuple[Coverage, ...]:
    """The translation report's summary (same verdicts, same "% current")."""
    if not kb.config.translation_languages:
        return ()
    summary = translation_report(kb).summary()
    return tuple(Coverage(lang, counts["expected"], Counter(
        {s: counts[s] for s in (CURRENT, OUTDATED, UNTRACKED, MISSING, ORPHANED, SKIPPED)}))
        for lang, counts in summary.items())


def _ages(articles: list[Entry], today: date) -> tuple[tuple[str, int], ...]:
    counts = Counter()
    for entry in articles:
        if entry.reviewed is None:
            counts[NEVER] += 1
            continue
        age = max(0, (today - entry.reviewed).days)
        counts[next(label for label, limit in AGE_BUCKETS if limit is None or age < limit)] += 1
    return tuple((label, counts[label]) for label, _ in AGE_BUCKETS) + ((NEVER, counts[NEVER]),)


# -- the page -----------------------------------------------------------------------------
@internal_pages
def pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    """The generated-page provider: ``reports/health.md`` and a page per owner with articles
    that need attention, on the internal site."""
    data, owners = health(kb), kb.owners
    found = [GeneratedPage(PAGE_PATH, "Content health", render(data, owners))]
    paths = owner_paths(data)
    for group in data.owners:
        if group.handle in paths:
            found.append(GeneratedPage(paths[group.handle], _owner_title(group.handle, owners),
                                       render_owner(data, group, owners)))
    return found


def owner_paths(data: Health) -> dict[str | None, str]:
    """The page of each owner who has articles that need attention (None: nobody's), from
    their handle: ``reports/owners/<slug>.md``, each path its own."""
    paths, taken = {}, set()
    for group in data.owners:
        if not group.flagged:
            continue
        slug = "nobody" if group.handle is None \
            else re.sub(r"[^a-z0-9]+", "-", group.handle.lower()).strip("-") or "owner"
        unique, n = slug, 1
        while unique in taken:
            n += 1
            unique = f"{slug}-{n}"
        taken.add(unique)
        paths[group.handle] = f"{OWNERS_FOLDER}/{unique}.md"
    return paths


def render(data: Health, owners: Owners) -> str:
    """The health page as markdown (tables, and raw HTML for the chart)."""
    parts = [
        "# Content health", "",
        f"As of **{data.as_of}**: {data.articles} articles. Built from `kb stale`; run "
        f"`kb stale --owner HANDLE` for your own list and `kb review PATH` after checking a page.",
        "", "## Review status", "", _status_table(data), "",
        "## Articles by time since last review", "", chart_svg(data.ages), "",
        "## By owner", "", _owner_table(data, owners), "",
        "## Oldest reviews", "", _oldest(data), "",
        "## Broken links", "", _broken(data), "",
        "## Translation coverage", "", _coverage_table(data), "",
        "## Unhelpful articles", "", _unhelpful(data), "",
    ]
    if data.orphaned_assets:
        parts += ["## Images nothing links to", "",
                  *(f"- `{path}`" for path in data.orphaned_assets), ""]
    return "\n".join(parts).rstrip() + "\n"


def _status_table(data: Health) -> str:
    rows = ["| status | articles |", "|---|---:|"]
    rows += [f"| {status} | {data.statuses[status]} |" for status in STATUSES]
    problems = [c for c in REASONS if c not in STATUSES and data.reasons[c]]
    rows += [f"| {code} | {data.reasons[code]} |" for code in problems]
    return "\n".join(rows)


def _owner_table(data: Health, owners: Owners) -> str:
    """A row per owner; the count of articles that need attention links to the owner's list."""
    paths = owner_paths(data)
    rows = ["| owner | articles | overdue | due soon | never reviewed | need attention |",
            "|---|---:|---:|---:|---:|---:|"]
    for group in data.owners:
        s = group.statuses
        flagged = str(len(group.flagged))
        if group.handle in paths:  # (a link relative to this page's file, reports/)
            flagged = f"[{flagged}]({paths[group.handle].removeprefix('reports/')})"
        rows.append(f"| {_owner_name(group.handle, owners)} | {group.articles} | {s['overdue']} "
                    f"| {s['due-soon']} | {s['never-reviewed']} | {flagged} |")
    note = ("\n\nEach owner's articles that need attention, most urgent first, are on the "
            "owner's own page: follow the number in the last column.") if paths else ""
    return "\n".join(rows) + note


def render_owner(data: Health, group: OwnerHealth, owners: Owners) -> str:
    """An owner's page: their figures and their articles that need attention, most urgent
    first, each with its reasons and due date."""
    s = group.statuses
    handle = f" {group.handle}" if group.handle else ""
    lines = [f"# Content health: {_owner_name(group.handle, owners)}", "",
             f"As of **{data.as_of}**: {group.articles} articles, {s['overdue']} overdue, "
             f"{s['due-soon']} due soon, {s['never-reviewed']} never reviewed; "
             f"**{len(group.flagged)} need attention**. "
             + (f"`kb stale --owner{handle}` lists the same in the terminal; "
                if group.handle else "")
             + "run `kb review PATH` after checking a page. All owners: "
             "[Content health](../health.md).", ""]
    for entry in group.flagged:
        due = f", due {entry.due}" if entry.due else ""
        lines.append(f"- {_page(entry, data.default_language, '../../')}: "
                     f"{', '.join(entry.codes)}{due}")
    return "\n".join(lines) + "\n"


def _oldest(data: Health) -> str:
    if not data.oldest:
        return "No article has a review date yet."
    rows = ["| article | owner | reviewed | due |", "|---|---|---|---|"]
    rows += [f"| {_page(e, data.default_language)} | {e.owner or '—'} | {e.reviewed} "
             f"| {e.due or '—'} |" for e in data.oldest]
    return "\n".join(rows)


def _broken(data: Health) -> str:
    if not data.broken:
        return "No broken links."
    rows = ["| where | problem |", "|---|---|"]
    rows += [f"| `{path}:{line}` | {_cell(message)} |" for path, line, message in data.broken]
    return "\n".join(rows)


def _coverage_table(data: Health) -> str:
    if not data.coverage:
        return "This knowledge base has one language."
    columns = (CURRENT, OUTDATED, UNTRACKED, MISSING, ORPHANED, SKIPPED)
    rows = ["| language | % current | " + " | ".join(columns) + " |",
            "|---|---:|" + "---:|" * len(columns)]
    for cov in data.coverage:
        rows.append(f"| {cov.lang} | {cov.percent_current}% | "
                    + " | ".join(str(cov.verdicts[c]) for c in columns) + " |")
    return "\n".join(rows) + ("\n\n% current: of the translations that should exist (current, "
                              "outdated, untracked, missing). Details per language: [translation "
                              "status](translations/index.md).")


def _unhelpful(data: Health) -> str:
    if not data.unhelpful:
        return (f"No article has enough votes (at least {MIN_VOTES} in a language) with a "
                "\"No\" among them.")
    rows = ["| article | language | votes | no | helpful |", "|---|---|---:|---:|---:|"]
    for row, title in data.unhelpful:
        if row.path.startswith("docs/") and title and not _is_translation(row.path, row.lang):
            name = f"[{_cell(title)}](../{row.path[len('docs/'):]})"
        else:
            name = f"`{row.path}`"
        rows.append(f"| {name} | {row.lang} | {row.votes} | {row.no_votes} "
                    f"| {row.helpful_share:.0%} |")
    return "\n".join(rows) + (f"\n\nFrom the public site's \"Was this helpful?\" votes "
                              f"(`kb gaps` lists the same), at least {MIN_VOTES} per language.")


def _is_translation(path: str, lang: str) -> bool:
    return path.endswith(f".{lang}.md")


def chart_svg(ages: tuple[tuple[str, int], ...]) -> str:
    """A horizontal bar chart of articles per review-age bucket, as one inline SVG block."""
    row, label_w, bar_w, top = 26, 120, 340, 8
    height = top * 2 + row * len(ages)
    most = max((n for _, n in ages), default=0) or 1
    items = [f'<div class="kb-health-chart"><svg xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {label_w + bar_w + 60} {height}" width="100%" role="img" '
             f'aria-label="Articles by time since last review" style="max-width:560px">',
             "<title>Articles by time since last review</title>"]
    for index, ((label, count), colour) in enumerate(zip(ages, _COLOURS, strict=False)):
        y = top + index * row
        width = round(bar_w * count / most)
        items.append(
            f'<g><title>{escape(label)}: {count}</title>'
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" '
            f'fill="currentColor">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{width}" height="{row - 8}" rx="2" '
            f'fill="{colour}"></rect>'
            f'<text x="{label_w + width + 6}" y="{y + 17}" font-size="13" '
            f'fill="currentColor">{count}</text></g>')
    items.append("</svg></div>")
    return "\n".join(items)


def _owner_title(handle: str | None, owners: Owners) -> str:
    """An owner's page title, as plain text."""
    return "Content health: " + ("nobody (no valid owner)" if handle is None
                                 else owners.display(handle))


def _owner_name(handle: str | None, owners: Owners) -> str:
    if handle is None:
        return "Nobody (no valid owner)"
    name = owners.display(handle)
    return f"{_cell(name)} (`{handle}`)" if name != handle else f"`{handle}`"


def _page(entry: Entry, default_language: str, up: str = "../") -> str:
    """A link to a source article's page on the internal site from a page ``up`` below the
    site's root (the summary is in ``reports/``).

    Translations are shown by path: each language is built separately, so a link to another
    language's file would not resolve in the default language's build.
    """
    if entry.asset or entry.lang != default_language:
        return f"`{entry.path}`"
    site = entry.path[len("docs/"):] if entry.path.startswith("docs/") else entry.path
    return f"[{_cell(entry.title or entry.path)}]({up}{site})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
