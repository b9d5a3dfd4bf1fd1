"""Agent search: the Whoosh index of the knowledge base and the queries agents run on it.

This package is the only place that imports Whoosh. Front-ends use:

- :func:`search` (``kb search``, ``kb escalate``): answers a query, building or updating the
  index first when it is missing or behind the content;
- :func:`update_index` (``kb index``): incremental update, or a full rebuild;
- :func:`engine_for` (``kb serve``): a long-lived engine that follows reindexes by itself;
- :mod:`.querylog` and :func:`gaps` (``kb gaps``): what agents searched for and did not find.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from .. import clock
from ..config import KINDS
from ..errors import BusyError, UsageError
from . import querylog
from .engine import Engine, IndexMissing, Scope
from .gaps import GapsReport, gaps
from .indexer import (
    WRITER_WAIT,
    IndexReport,
    Progress,
    is_current,
    store_for,
    update_index,
)
from .query import MAX_QUERY_CHARS, QueryError
from .results import Hit, SearchResults

if TYPE_CHECKING:
    from ..knowledge_base import KnowledgeBase

__all__ = ["search", "update_index", "ensure_index", "engine_for", "scope_for", "gaps",
           "querylog", "SearchResults", "Hit",
           "IndexReport", "GapsReport", "QueryError", "IndexMissing", "Engine", "Scope",
           "MAX_QUERY_CHARS"]

MAX_LIMIT = 100

_ENGINES: dict[tuple, Engine] = {}
_CHECKED: dict[int, tuple[weakref.ref, str]] = {}
_LOCK = threading.Lock()


def engine_for(kb: KnowledgeBase) -> Engine:
    """The (cached) engine for ``kb``'s folder."""
    key = (str(kb.root), kb.config.state_dir, kb.config.synonyms_file)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = Engine(kb.root, kb.config.state_dir, kb.config.synonyms_file)
        return engine


def scope_for(kb: KnowledgeBase, *, lang: str | None = None, kinds: tuple[str, ...] = (),
              public: bool = False) -> Scope:
    """Validate the options against ``kb``; raises :class:`UsageError` naming the bad one."""
    if lang is not None and lang not in kb.config.languages:
        raise UsageError(f"unknown language {lang!r} (this knowledge base has "
                         f"{', '.join(kb.config.languages)})")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UsageError(f"unknown kind {', '.join(unknown)} (expected {', '.join(KINDS)})")
    return Scope(kb.config.languages, lang, tuple(kinds), public)


def ensure_index(kb: KnowledgeBase, *, progress: Progress | None = None) -> None:
    """Build or update the index if it is missing or behind ``kb``'s content.

    Checked once per loaded ``kb`` and index generation. When another process is updating
    the index and one already exists, the existing one is used rather than waiting.
    """
    store = store_for(kb)
    generation = store.current_name()
    seen = _CHECKED.get(id(kb))
    if seen and seen[0]() is kb and seen[1] == generation:
        return
    if generation is None or not is_current(kb):
        try:
            update_index(kb, progress=progress, wait=0 if generation else WRITER_WAIT)
        except BusyError:
            if store.current() is None:
                raise
    _CHECKED[id(kb)] = (weakref.ref(kb), store.current_name() or "")


def search(kb: KnowledgeBase, query: str, *, lang: str | None = None,
           kinds: tuple[str, ...] = (), public: bool = False, limit: int = 10,
           progress: Progress | None = None) -> SearchResults:
    """Ranked results for ``query`` in ``kb``, within the given scope.

    Builds or updates the index first when needed (``progress(done, total)`` is called while
    it does). ``public=True`` sees public articles only, and no internal vocabulary or markers.
    Raises :class:`QueryError` for a query that cannot be searched (too long),
    :class:`UsageError` for an unknown language or kind.
    """
    scope = scope_for(kb, lang=lang, kinds=kinds, public=public)
    limit = max(0, min(int(limit), MAX_LIMIT))
    ensure_index(kb, progress=progress)
    return engine_for(kb).search(query, scope, limit=limit, today=clock.today())
