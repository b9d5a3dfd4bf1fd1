"""Agent search: the Whoosh index of the knowledge base and the queries agents run on it.

This package is the only place that imports Whoosh. Front-ends use:

- :func:`search` (``kb search``, ``kb escalate``): answers a query, building or updating the
  index first when it is missing or behind the content;
- :func:`update_index` (``kb index``): incremental update, or a full rebuild;
- :func:`engine_for` (``kb serve``): a long-lived engine that follows reindexes by itself;
- :mod:`.querylog` and :func:`gaps` (``kb gaps``): what agents searched for and did not find.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kbtools import clock
from kbtools.content.config import Config, load_config
from kbtools.content.knowledge_base import open_kb
from kbtools.errors import BusyError, StateError, UsageError
from kbtools.search import querylog, snapshot
from kbtools.search.engine import Engine, IndexMissing, Scope
from kbtools.search.gaps import GapsReport, gaps
from kbtools.search.indexer import (
    WRITER_WAIT,
    IndexReport,
    Progress,
    is_current,
    store_for,
    update_index,
)
from kbtools.search.intents import intents_for
from kbtools.search.query import MAX_QUERY_CHARS, QueryError
from kbtools.search.results import Hit, SearchResults
from kbtools.search.schema import schema_key
from kbtools.search.store import IndexStore

if TYPE_CHECKING:
    from kbtools.content.kinds import Registry
    from kbtools.content.knowledge_base import KnowledgeBase

__all__ = ["search", "search_root", "update_index", "ensure_index", "engine_for", "scope_for", "gaps",
           "querylog", "SearchResults", "Hit",
           "IndexReport", "GapsReport", "QueryError", "IndexMissing", "Engine", "Scope",
           "MAX_QUERY_CHARS"]

MAX_LIMIT = 100

def engine_for(kb: KnowledgeBase) -> Engine:
    """The engine for ``kb``'s folder, kept on ``kb`` (the server's threads share it)."""
    return kb.memo.get("search.engine", lambda: _engine(kb.config, kb.kinds))


def _engine(config: Config, registry: Registry) -> Engine:
    return Engine(config.root, config.state_dir, config.synonyms_file,
                  intents_for(config, registry))


def scope_for(kb: KnowledgeBase, *, lang: str | None = None, kinds: tuple[str, ...] = (),
              public: bool = False) -> Scope:
    """Validate the options against ``kb``; raises :class:`UsageError` naming the bad one."""
    return _scope(kb.config, kb.kinds, lang, kinds, public)


def _scope(config: Config, registry: Registry, lang: str | None, kinds: tuple[str, ...],
           public: bool) -> Scope:
    if lang is not None and lang not in config.languages:
        raise UsageError(f"unknown language {lang!r} (this knowledge base has "
                         f"{', '.join(config.languages)})")
    unknown = [k for k in kinds if k not in registry]
    if unknown:
        raise UsageError(f"unknown kind {', '.join(unknown)} "
                         f"(expected {', '.join(registry.names)})")
    return Scope(config.languages, lang, tuple(kinds), public)


def ensure_index(kb: KnowledgeBase, *, progress: Progress | None = None,
                 files: snapshot.Snapshot | None = None) -> None:
    """Build or update the index if it is missing or behind ``kb``'s content.

    Checked once per loaded ``kb`` and index generation. When another process is updating
    the index and one already exists, the existing one is used rather than waiting.
    """
    store = store_for(kb)
    generation = store.current_name()
    if generation is not None and kb.memo.peek("search.checked") == generation:
        return
    stale_stats = files is not None and (
        store.current() is None or store.current().manifest().files != files)
    if generation is None or stale_stats or not is_current(kb):
        try:
            update_index(kb, progress=progress, wait=0 if generation else WRITER_WAIT,
                         files=files)
        except BusyError:
            if store.current() is None:
                raise
    kb.memo.set("search.checked", store.current_name())


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


def search_root(root: Path | str, registry: Registry, query: str, *, lang: str | None = None,
                kinds: tuple[str, ...] = (), public: bool = False, limit: int = 10,
                progress: Progress | None = None, log_via: str | None = None,
                unlogged: Callable[[StateError], None] | None = None) -> SearchResults:
    """:func:`search` for the KB at ``root`` (with the kinds of ``registry``), without
    loading it when nothing changed.

    One ``stat`` per file is compared with the snapshot saved when the index was built; when
    all match, the query runs on the index at once (what makes ``kb search`` fast on a large
    KB). Otherwise the KB is loaded and the index updated first, as :func:`search` does.
    With ``log_via`` the query is added to the query log (``via`` that front-end); a log that
    cannot be written is passed to ``unlogged``, never raised.
    """
    config = load_config(Path(root), registry.names)
    scope = _scope(config, registry, lang, kinds, public)
    results = _search_config(config, registry, query, scope, limit, progress)
    if log_via is not None:
        problem = querylog.record(config.root / config.state_dir, query=query,
                                  lang=results.language or lang, results=results.total,
                                  scope="public" if public else "internal", via=log_via)
        if problem is not None and unlogged is not None:
            unlogged(problem)
    return results


def _search_config(config: Config, registry: Registry, query: str, scope: Scope, limit: int,
                   progress: Progress | None) -> SearchResults:
    limit = max(0, min(int(limit), MAX_LIMIT))
    files = snapshot.take(config)
    current = IndexStore(config.root / config.state_dir).current()
    if current is not None:
        manifest = current.manifest()
        if manifest.files == files and manifest.schema == schema_key(config.languages):
            return _engine(config, registry).search(query, scope, limit=limit, today=clock.today())
    kb = open_kb(config.root, registry)
    ensure_index(kb, progress=progress, files=files)
    return engine_for(kb).search(query, scope, limit=limit, today=clock.today())
