"""The stale report: what each owner must review or fix, per article, with stable reason codes.

``kb stale`` renders it, the content health page summarises it, and CI fails on it with
``--fail-on``. It reads only the loaded corpus (plus one walk of the content folders for
images), so it runs on every push; external URLs are checked only when asked for.

Reason codes (stable; the order is the urgency order):

- ``overdue``: reviewed + cadence (``review_every`` or the kind's default) is past;
- ``source-overdue``: a translation whose source is overdue;
- ``broken-link``: a link to a missing page, heading anchor, image or file (or, with external
  checking, a URL that fails);
- ``unknown-macro``: a macro or fact key that does not exist (``kb.macros.problems``);
- ``never-reviewed``: no valid ``reviewed`` date;
- ``no-owner`` / ``unknown-owner``: nobody, or a handle ``owners.yml`` does not declare;
- ``due-soon``: due within ``due_soon`` (kb.yml) of the report date;
- ``orphaned-asset``: an image under the content folders that nothing links to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import unquote

from kbtools import clock
from kbtools.content.check import macro_problems
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.links import Link, links
from kbtools.content.model import Article
from kbtools.diagnostics import Finding, Severity
from kbtools.errors import UsageError
from kbtools.review.linkcheck import (
    ExternalSettings,
    InternalLinks,
    assets,
    check_urls,
    site_relative,
    translation_folders,
)
from kbtools.review.schedule import ReviewState, review_state

REASONS = ("overdue", "source-overdue", "broken-link", "unknown-macro", "never-reviewed",
           "no-owner", "unknown-owner", "due-soon", "orphaned-asset")
_RANK = {code: rank for rank, code in enumerate(REASONS)}


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason an entry needs attention: a code from :data:`REASONS`, a line, a message."""

    code: str
    line: int
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "line": self.line, "message": self.message}


@dataclass(frozen=True, slots=True)
class Entry:
    """One article (or orphaned image) in the report.

    ``owner`` is who answers for it today (an inactive person's team fallback); ``declared_owner``
    is the handle written in the file (or inherited from the source). An entry without reasons is
    in good standing; the report keeps it for the health page's counts.
    """

    path: str
    title: str | None
    kind: str | None
    lang: str | None
    owner: str | None
    declared_owner: str | None
    reviewed: date | None
    due: date | None
    reasons: tuple[Reason, ...] = ()
    asset: bool = False

    @property
    def codes(self) -> list[str]:
        """The distinct reason codes, most urgent first."""
        return sorted({r.code for r in self.reasons}, key=_RANK.__getitem__)

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)

    def urgency(self) -> tuple:
        """Sort key: the most urgent reason, then the earliest due date, then the path."""
        rank = min((_RANK[r.code] for r in self.reasons), default=len(REASONS))
        return rank, self.due or date.min, self.path

    def to_dict(self) -> dict:
        return {
            "path": self.path, "owner": self.owner,
            "reviewed": self.reviewed.isoformat() if self.reviewed else None,
            "due": self.due.isoformat() if self.due else None,
            "reasons": self.codes,
            "declared_owner": self.declared_owner, "title": self.title, "kind": self.kind,
            "lang": self.lang, "details": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class StaleReport:
    """Every article matching the query on ``as_of``, grouped by owner, most urgent first."""

    as_of: date
    entries: tuple[Entry, ...]
    unreadable: int = 0
    """Markdown files the loader could not read (``kb check`` says why); not in the report."""

    @property
    def flagged(self) -> list[Entry]:
        return [e for e in self.entries if e.flagged]

    def findings(self, failing: tuple[str, ...] = ()) -> list[Finding]:
        """One finding per article and reason (code ``stale.REASON``): an error for the
        ``failing`` codes, a notice for ``due-soon``, a warning otherwise."""
        found = []
        for entry in self.flagged:
            owner = f" (owner: {entry.owner})" if entry.owner else ""
            for reason in entry.reasons:
                severity = (Severity.ERROR if reason.code in failing else
                            Severity.NOTICE if reason.code == "due-soon" else Severity.WARNING)
                found.append(Finding(entry.path, reason.line, f"stale.{reason.code}",
                                     reason.message + owner, severity))
        return found

    def by_owner(self) -> list[tuple[str | None, list[Entry]]]:
        """Flagged entries per responsible owner (handles sorted, nobody last)."""
        groups: dict[str | None, list[Entry]] = {}
        for entry in self.flagged:
            groups.setdefault(entry.owner, []).append(entry)
        return list(groups.items())

    def failing(self, codes: Iterable[str]) -> list[Entry]:
        """Flagged entries with any of ``codes`` (what ``--fail-on`` fails on)."""
        wanted = set(codes)
        return [e for e in self.flagged if wanted.intersection(e.codes)]

    def to_dict(self) -> dict:
        return {"articles": [e.to_dict() for e in self.flagged]}


@dataclass(frozen=True)
class _Query:
    owner: str | None = None
    kind: str | None = None
    lang: str | None = None

    def keeps(self, entry: Entry) -> bool:
        return ((self.owner is None or self.owner in (entry.owner, entry.declared_owner))
                and (self.kind is None or entry.kind == self.kind)
                and (self.lang is None or entry.lang == self.lang))


def stale_report(kb: KnowledgeBase, *, as_of: str | date | None = None,
                 owner: str | None = None, kind: str | None = None, lang: str | None = None,
                 external: ExternalSettings | None = None) -> StaleReport:
    """Build the stale report for ``kb`` on ``as_of`` (today by default).

    ``owner`` keeps articles that handle answers for or declares; ``kind``/``lang`` filter by
    kind and language. ``external`` also checks http(s) links of the kept articles (network).
    Raises :class:`UsageError` for an unknown owner, kind or language, or a bad date.
    """
    today = clock.today(as_of)
    query = _query(kb, owner, kind, lang)
    corpus = kb.corpus
    states = {a.path: review_state(a, kb, today) for a in corpus.articles}
    bodies = kb.bodies  # every body's links and anchors: read once, kept for the next run
    checker = InternalLinks(kb.root, corpus, translation_folders(kb), bodies)
    linked: set[str] = set()
    found_links: dict[str, list[Link]] = {}
    entries = []
    for article in corpus.articles:
        article_links = links(article, bodies)
        if external is not None:  # kept for the external check only: few objects to keep
            found_links[article.path] = article_links
        linked.update(link.path for link in article_links if link.path)
        reasons = list(_review_reasons(article, states, today))
        for link in article_links:
            broken = checker.broken(article, link)
            if broken is not None:
                reasons.append(Reason("broken-link", broken.line, broken.message))
        reasons += [Reason("unknown-macro", f.line, f.message)
                    for f in macro_problems(kb, article)]
        entries.append(_entry(kb, article, states[article.path], reasons))
    entries += _orphaned_assets(kb, checker.files, linked)
    entries = [e for e in entries if query.keeps(e)]
    if external is not None:
        entries = _with_external(kb, entries, found_links, external)
    entries.sort(key=lambda e: (e.owner is None, e.owner or "", e.urgency()))
    return StaleReport(today, tuple(entries), _unreadable(kb))


def _query(kb: KnowledgeBase, owner: str | None, kind: str | None, lang: str | None) -> _Query:
    if owner is not None and not kb.owners.knows(owner):
        raise UsageError(f"--owner: unknown handle {owner!r} (not in {kb.config.owners_file})")
    if kind is not None and kind not in kb.kinds:
        raise UsageError(f"--kind: unknown kind {kind!r} (expected {', '.join(kb.kinds.names)})")
    if lang is not None and lang not in kb.config.languages:
        raise UsageError(f"--lang: unknown language {lang!r} "
                         f"(kb.yml has {', '.join(kb.config.languages)})")
    return _Query(owner, kind, lang)


def _review_reasons(article: Article, states: dict[str, ReviewState],
                    today: date) -> Iterator[Reason]:
    state = states[article.path]
    line = article.line_of("reviewed")
    if state.never_reviewed:
        yield Reason("never-reviewed", line, "never reviewed: check the content, then record it "
                     f"with `kb review {article.path}`")
    elif state.overdue:
        days = (today - state.due).days
        yield Reason("overdue", line, f"{days} day(s) past its review date {state.due} "
                     f"(reviewed {state.reviewed})")
    elif state.due_soon:
        days = (state.due - today).days
        yield Reason("due-soon", line, f"review due in {days} day(s), on {state.due}")
    if article.source is not None:
        source = states.get(article.source)
        if source is not None and source.overdue:
            yield Reason("source-overdue", 1,
                         f"its source {article.source} was due for review {source.due}")


def _entry(kb: KnowledgeBase, article: Article, state: ReviewState,
           reasons: list[Reason]) -> Entry:
    owner, owner_reasons = _owner(kb, article)
    return Entry(article.path, article.title, article.kind, article.lang, owner, article.owner,
                 state.reviewed, state.due, tuple(reasons + owner_reasons))


def _owner(kb: KnowledgeBase, article: Article) -> tuple[str | None, list[Reason]]:
    """Who answers for ``article`` today, and why nobody does (if so)."""
    declared, owners, file = article.owner, kb.owners, kb.config.owners_file
    line = article.line_of("owner")
    if declared is None:
        return None, [Reason("no-owner", 1, f"no owner: add `owner: HANDLE` (a handle from {file})")]
    if not owners.knows(declared):
        return None, [Reason("unknown-owner", line,
                             f"unknown owner {declared!r}: declare it in {file} or fix the handle")]
    responsible = owners.responsible(declared)
    if responsible is None:
        return None, [Reason("no-owner", line, f"owner {declared!r} is inactive and their team "
                             "has no fallback owner: give the article a new owner")]
    return responsible, []


def _orphaned_assets(kb: KnowledgeBase, files: Iterable[str], linked: set[str]) -> list[Entry]:
    """Images nothing links to (site configs at the root count as links: logos, favicons)."""
    configs = " ".join(p.read_text(encoding="utf-8", errors="replace")
                       for p in sorted(kb.root.glob("*.yml")))
    linked = {unquote(p) for p in linked}
    message = "no page links to this image: link it from an article or delete it"
    return [Entry(path, None, None, None, None, None, None, None,
                  (Reason("orphaned-asset", 0, message),), asset=True)
            for path in assets(files)
            if path not in linked and site_relative(path) not in configs]


def _with_external(kb: KnowledgeBase, entries: list[Entry], found: dict[str, list[Link]],
                   settings: ExternalSettings) -> list[Entry]:
    urls = {link.target for e in entries for link in found.get(e.path, ()) if link.external}
    cache = kb.root / kb.config.state_dir / settings.cache_file
    statuses = check_urls(urls, cache, clock.now(), settings)
    result = []
    for entry in entries:
        bad = [Reason("broken-link", link.line, statuses[link.target].message)
               for link in found.get(entry.path, ())
               if link.external and link.target in statuses and not statuses[link.target].ok]
        result.append(replace(entry, reasons=entry.reasons + tuple(bad)) if bad else entry)
    return result


def _unreadable(kb: KnowledgeBase) -> int:
    return len({f.path for f in kb.corpus.findings
                if f.is_error and f.path.endswith(".md") and f.path not in kb.corpus.by_path})
