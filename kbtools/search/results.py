"""Search results: hits with HTML-escaped, highlighted snippets, and their JSON shape."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date

from whoosh.support.levenshtein import distance

from kbtools.search.analysis import _WORD, analyzer

SNIPPET_CHARS = 220
SCAN_CHARS = 2500
_LEAD = 50

OVERDUE, OUTDATED, MACHINE = "overdue", "outdated", "machine-draft"


@dataclass(frozen=True, slots=True)
class Hit:
    """One result. ``snippet`` is HTML: escaped text with matches in ``<mark>``."""

    path: str
    title: str
    kind: str
    lang: str
    score: float
    snippet: str
    url: str
    marker: str | None = None
    """``outdated`` (translation behind its source), ``overdue`` (review), ``machine-draft``."""

    def to_dict(self, *, extra: bool = False) -> dict:
        data = {"path": self.path, "title": self.title, "kind": self.kind, "lang": self.lang,
                "score": self.score, "snippet": self.snippet, "url": self.url}
        if extra:
            data["marker"] = self.marker
        return data


@dataclass(frozen=True)
class SearchResults:
    """Ranked hits for ``query``; ``total`` counts every match in scope, not just these."""

    query: str
    total: int
    results: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    """A did-you-mean query when words were corrected, or None."""
    language: str | None = None
    """The language the query was read as (given, or worked out from its words), or None
    when it could not be told."""

    def to_dict(self, *, extra: bool = False) -> dict:
        """``{"query", "total", "results": [{path, title, kind, lang, score, snippet, url}]}``.

        With ``extra`` (the HTTP API), each result also has ``marker`` and the top level has
        ``suggestion``.
        """
        data = {"query": self.query, "total": self.total,
                "results": [hit.to_dict(extra=extra) for hit in self.results]}
        if extra:
            data["suggestion"] = self.suggestion
            data["language"] = self.language
        return data


def marker_of(stored: dict, today: date) -> str | None:
    """The article's warning marker, from its stored fields."""
    if stored.get("outdated"):
        return OUTDATED
    due = stored.get("due")
    if due and due < today.isoformat():
        return OVERDUE
    if stored.get("machine"):
        return MACHINE
    return None


def snippet(text: str, lang: str, wanted: frozenset[str], width: int = SNIPPET_CHARS) -> str:
    """The passage of ``text`` with the most matches of ``wanted`` (stemmed terms), as
    escaped HTML with each matching word in ``<mark>``; the opening text when nothing matches."""
    text = text[:SCAN_CHARS]
    forms = analyzer(lang).forms
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)
             if wanted and not wanted.isdisjoint(forms(m.group()))] if wanted else []
    if not spans:
        return _escape_window(text, 0, width, [])
    best, best_count, j = 0, 0, 0
    for i, (start, _) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] <= start + width - _LEAD:
            j += 1
        if j - i + 1 > best_count:
            best, best_count = i, j - i + 1
    begin = max(0, spans[best][0] - _LEAD)
    if begin:
        space = text.find(" ", begin, spans[best][0])
        begin = space + 1 if space != -1 else spans[best][0]
    return _escape_window(text, begin, width, spans)


def _escape_window(text: str, begin: int, width: int, spans: list[tuple[int, int]]) -> str:
    end = min(len(text), begin + width)
    if end < len(text):
        space = text.rfind(" ", begin + width // 2, end)
        end = space if space != -1 else end
    out = ["…"] if begin else []
    position = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f"<mark>{html.escape(text[start:stop])}</mark>")
        position = stop
    out.append(html.escape(text[position:end]))
    if end < len(text):
        out.append("…")
    return "".join(out).replace("\n", " ")


def surface_word(texts, lang: str, stem: str, typed: str, scan: int = SCAN_CHARS) -> str | None:
    """The word in ``texts`` (result contents) that analyses to ``stem`` and is closest to
    what was typed: how the articles spell a corrected word (``filtres`` -> ``filters``)."""
    forms = analyzer(lang).forms
    best: tuple[int, str] | None = None
    for text in texts:
        for match in _WORD.finditer(text[:scan]):
            word = match.group()
            if stem in forms(word):
                candidate = (distance(word.lower(), typed.lower()), word)
                if best is None or candidate < best:
                    best = candidate
        if best is not None:
            return best[1]
    return None
