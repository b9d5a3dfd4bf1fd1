"""What the site's search box reports to ``POST /api/search/events``, read and checked.

A body is one JSON object, at most :data:`MAX_BODY_BYTES`:

- ``{"event": "search", "query": "refund", "lang": "en"}``: the person stopped typing (or
  pressed Enter, or opened a result) and this is the query they meant;
- ``{"event": "open", "query": "refund", "lang": "en", "path": "docs/faq/refund.md",
  "rank": 1}``: they opened this result of that query, shown at place ``rank``.

``lang`` is optional (the page's language on the public site). Nothing else is accepted: the
server decides the scope, counts the results and checks the path itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kbtools.errors import UsageError
from kbtools.search import MAX_QUERY_CHARS, querylog

MAX_BODY_BYTES = 2048
"""A query of :data:`~kbtools.search.MAX_QUERY_CHARS` characters fits; nothing much more."""
MAX_RANK = 50
MAX_LANG_CHARS = 16
_FIELDS = {querylog.SEARCH: {"event", "query", "lang"},
           querylog.OPEN: {"event", "query", "lang", "path", "rank"}}


@dataclass(frozen=True, slots=True)
class SearchEvent:
    """One event of the search box."""

    event: str
    """``search`` (a settled query) or ``open`` (a result opened)."""
    query: str
    lang: str | None = None
    path: str | None = None
    """The opened result's repo path (``open``)."""
    rank: int | None = None
    """Where the opened result was shown, from 1 (``open``)."""


def parse_event(body: bytes) -> SearchEvent:
    """The event in a request body; raises :class:`UsageError` saying what is wrong."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UsageError("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise UsageError("the body must be a JSON object")
    event = data.get("event")
    if event not in _FIELDS:
        raise UsageError(f"event must be {' or '.join(map(repr, _FIELDS))}")
    unknown = sorted(set(data) - _FIELDS[event])
    if unknown:
        raise UsageError(f"unknown field {', '.join(unknown)} in a {event!r} event "
                         f"(expected {', '.join(sorted(_FIELDS[event]))})")
    query = data.get("query")
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY_CHARS:
        raise UsageError(f"query must be text of 1 to {MAX_QUERY_CHARS} characters")
    lang = data.get("lang")
    if lang is not None and (not isinstance(lang, str) or len(lang) > MAX_LANG_CHARS):
        raise UsageError("lang must be a language code such as en")
    if event == querylog.SEARCH:
        return SearchEvent(event, query, lang or None)
    path, rank = data.get("path"), data.get("rank")
    if not isinstance(path, str) or not path or len(path) > querylog.MAX_PATH:
        raise UsageError("path must be the opened result's path")
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= MAX_RANK:
        raise UsageError(f"rank must be a whole number from 1 to {MAX_RANK}")
    return SearchEvent(event, query, lang or None, path, rank)
