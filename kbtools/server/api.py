"""The search API of ``kb serve``: searches, and the search box's events for the query log.

- ``GET /api/search?q=&lang=&kind=&n=&scope=public`` -> ``{"query", "total", "results",
  "suggestion", "language"}``; 400 with ``{"error"}`` for a bad request, 503 while no index
  exists. It logs nothing: the search box asks on every pause while someone types, and the
  fragments ("c", "ch", "cha") are not queries anyone meant.
- ``POST /api/search/events`` with a JSON event (:mod:`kbtools.server.events`) -> 204 once
  the event is logged: a settled query (the server runs it again, for the number of results
  and the language it was read as) or an opened result (logged only when the path is one of
  that query's results). Only from a page of this server (403), with a JSON body (415) of at
  most :data:`~kbtools.server.events.MAX_BODY_BYTES` (413).

The scope is the server's decision: public unless the request is an agent's (never on a
``--public`` server), or public when asked with ``scope=public``.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kbtools import clock
from kbtools.errors import UsageError
from kbtools.search import (
    MAX_QUERY_CHARS,
    IndexMissing,
    QueryError,
    engine_for,
    querylog,
    scope_for,
)
from kbtools.server.events import MAX_BODY_BYTES, MAX_RANK, SearchEvent, parse_event
from kbtools.server.security import Access, same_origin

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

MAX_RESULTS = MAX_RANK
SEARCH_THREADS = 4


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status,
                        headers={"cache-control": "no-store"})


class SearchApi:
    """The two endpoints, answering from ``kb``'s live index on a small thread pool."""

    def __init__(self, kb: KnowledgeBase, access: Access) -> None:
        self.kb = kb
        self.access = access
        self.engine = engine_for(kb)
        self.state_dir = kb.root / kb.config.state_dir
        self.pool = ThreadPoolExecutor(max_workers=SEARCH_THREADS, thread_name_prefix="kb-search")

    async def search(self, request: Request) -> Response:
        """Run the query on the small search pool (one Whoosh searcher per pool thread).

        Whoosh is CPU-bound Python: a few threads use the interpreter fully, and a bounded
        pool keeps the number of open searchers (each reopened after a reindex) small.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self._search, request)

    async def event(self, request: Request) -> Response:
        """Log one event of the search box (see the module docstring)."""
        body = await own_json_body(request, MAX_BODY_BYTES, "events")
        if isinstance(body, Response):
            return body
        try:
            event = parse_event(body)
        except UsageError as exc:
            return error(400, str(exc))
        public = self._public(request)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self._log, event, public)

    def _public(self, request: Request) -> bool:
        return (request.query_params.get("scope") == "public"
                or not self.access.is_agent(request.headers, request.cookies))

    def _search(self, request: Request) -> Response:
        params = request.query_params
        text = params.get("q")
        if text is None:
            return error(400, "missing query parameter q")
        if len(text) > MAX_QUERY_CHARS:
            return error(400, f"query too long (over {MAX_QUERY_CHARS} characters)")
        public = self._public(request)
        try:
            limit = int(params.get("n", "10"))
            if not 1 <= limit <= MAX_RESULTS:
                raise ValueError
        except ValueError:
            return error(400, f"n must be a number from 1 to {MAX_RESULTS}")
        kinds = tuple(k for k in params.get("kind", "").split(",") if k)
        lang = params.get("lang") or None
        try:
            scope = scope_for(self.kb, lang=lang, kinds=kinds, public=public)
            results = self.engine.search(text, scope, limit=limit, today=clock.today())
        except (QueryError, UsageError) as exc:
            return error(400, str(exc) if not public else _public_message(exc))
        except IndexMissing:
            return error(503, "the search index is being built; try again shortly")
        return JSONResponse(results.to_dict(extra=True), headers={"cache-control": "no-store"})

    def _log(self, event: SearchEvent, public: bool) -> Response:
        """Run the event's query again and log the event; the log is best effort (a failed
        write still answers 204, as the search it logs did work)."""
        opened = event.event == querylog.OPEN
        try:
            scope = scope_for(self.kb, lang=event.lang, public=public)
            results = self.engine.search(event.query, scope, limit=MAX_RESULTS if opened else 1,
                                         today=clock.today())
        except (QueryError, UsageError) as exc:
            return error(400, str(exc) if not public else _public_message(exc))
        except IndexMissing:
            return error(503, "the search index is being built; try again shortly")
        lang = results.language or event.lang
        where = "public" if public else "internal"
        if not opened:
            querylog.record(self.state_dir, query=event.query, lang=lang, results=results.total,
                            scope=where, via="site")
        elif event.path in {hit.path for hit in results.results}:
            querylog.record_open(self.state_dir, query=event.query, lang=lang, scope=where,
                                 path=event.path, rank=event.rank, via="site")
        else:
            return error(400, "path is not one of this query's results")
        return Response(status_code=204, headers={"cache-control": "no-store"})


async def own_json_body(request: Request, limit: int, what: str) -> bytes | Response:
    """The JSON body a page of this site posted (at most ``limit`` bytes), or the error
    response saying why not: 403 from another site, 415 not JSON, 413 too large."""
    if not same_origin(request.headers):
        return error(403, f"{what} are accepted from this site's own pages only")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        return error(415, "the body must be JSON (Content-Type: application/json)")
    body = await _bounded_body(request, limit)
    if body is None:
        return error(413, f"the body is over {limit} bytes")
    return body


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is over ``limit`` bytes (read no further)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _public_message(exc: Exception) -> str:
    # Language and kind lists are no secret, but keep public errors generic and short.
    return "bad request: " + str(exc).split(" (")[0]
