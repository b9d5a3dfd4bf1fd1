"""The ``kb serve`` web app: the built internal site plus ``GET /api/search``.

Routes:

- ``GET /api/search?q=&lang=&kind=&n=&scope=public`` -> ``{"query", "total", "results",
  "suggestion"}``; 400 with ``{"error"}`` for a bad request, 503 while no index exists.
- ``GET /_kb/search.js`` -> the script that makes the site's search box use the API.
- ``GET|POST /_kb/login`` -> token form (only when a token is configured); a right token
  gets a signed session cookie.
- everything else -> the built site folder; HTML pages get the script tag injected, and a
  fresh nonce on the site's own scripts for every response (:mod:`kbtools.server.scripts`).

Requests that do not name this server in their ``Host`` header are refused first
(:class:`~kbtools.server.security.TrustedHosts`).
"""

from __future__ import annotations

import asyncio
import html
import mimetypes
import re
import secrets
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

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
from kbtools.server.scripts import MarkedPage, OwnScripts
from kbtools.server.security import (
    COOKIE,
    SESSION_SECONDS,
    Access,
    SecurityHeaders,
    TrustedHosts,
    page_csp,
)

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

STATIC = Path(__file__).parent / "static"
SEARCH_SCRIPT = "/_kb/search.js"
SCRIPT_TAG = f'<script src="{SEARCH_SCRIPT}" defer></script>'
MAX_RESULTS = 50
SEARCH_THREADS = 4
_HEAD_END = re.compile(r"</head\s*>", re.I)


@dataclass(frozen=True)
class ServerSettings:
    """What ``kb serve`` serves and to whom."""

    site_dir: Path | None = None
    """The built internal site (``site/``); without it only the API is served."""
    access: Access = Access()


def create_app(kb: KnowledgeBase, settings: ServerSettings) -> SecurityHeaders:
    """The ASGI application for ``kb`` (wrapped in the Host check and the security-headers
    middleware)."""
    api = _Api(kb, settings.access)
    site = _Site(settings.site_dir, settings.access)
    routes = [
        Route("/api/search", api.search, methods=["GET"]),
        Route(SEARCH_SCRIPT, _script, methods=["GET"]),
        Route("/_kb/login", site.login, methods=["GET", "POST"]),
        Route("/{path:path}", site.page, methods=["GET", "HEAD"]),
    ]
    return SecurityHeaders(TrustedHosts(Starlette(routes=routes), settings.access.allowed_hosts))


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status,
                        headers={"cache-control": "no-store"})


class _Api:
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

    def _search(self, request: Request) -> Response:
        params = request.query_params
        text = params.get("q")
        if text is None:
            return _error(400, "missing query parameter q")
        if len(text) > MAX_QUERY_CHARS:
            return _error(400, f"query too long (over {MAX_QUERY_CHARS} characters)")
        public = params.get("scope") == "public" or not self.access.is_agent(
            request.headers, request.cookies)
        try:
            limit = int(params.get("n", "10"))
            if not 1 <= limit <= MAX_RESULTS:
                raise ValueError
        except ValueError:
            return _error(400, f"n must be a number from 1 to {MAX_RESULTS}")
        kinds = tuple(k for k in params.get("kind", "").split(",") if k)
        lang = params.get("lang") or None
        try:
            scope = scope_for(self.kb, lang=lang, kinds=kinds, public=public)
            results = self.engine.search(text, scope, limit=limit, today=clock.today())
        except (QueryError, UsageError) as exc:
            return _error(400, str(exc) if not public else _public_message(exc))
        except IndexMissing:
            return _error(503, "the search index is being built; try again shortly")
        querylog.record(self.state_dir, query=text, lang=lang, results=results.total,
                        scope="public" if public else "internal", via="api")
        return JSONResponse(results.to_dict(extra=True), headers={"cache-control": "no-store"})


def _public_message(exc: Exception) -> str:
    # Language and kind lists are no secret, but keep public errors generic and short.
    return "bad request: " + str(exc).split(" (")[0]


async def _script(request: Request) -> Response:
    return FileResponse(STATIC / "search.js", media_type="text/javascript",
                        headers={"cache-control": "no-cache"})


class _Site:
    def __init__(self, folder: Path | None, access: Access) -> None:
        self.folder = Path(folder).resolve() if folder else None
        self.access = access
        self.scripts = OwnScripts(self._resolve if self.folder else None, [SEARCH_SCRIPT])
        self._pages: dict[Path, tuple[int, MarkedPage]] = {}

    async def page(self, request: Request) -> Response:
        if not self.access.is_agent(request.headers, request.cookies):
            if self.access.token:
                return RedirectResponse("/_kb/login", status_code=303)
            return _error(401, "agents only")
        if self.folder is None or not self.folder.is_dir():
            return Response("No site built here. Run `kb build` to build it; the search API is "
                            "at /api/search?q=...", media_type="text/plain", status_code=404)
        file = self._resolve(request.path_params.get("path", ""))
        # Relative script URLs resolve against the address bar: the raw path's folder.
        raw = request.scope.get("raw_path") or request.url.path.encode()
        url_folder = raw.decode("latin-1").rpartition("/")[0] + "/"
        if file is None:
            missing = self.folder / "404.html"
            if missing.is_file():
                return self._html(missing, 404, url_folder)
            return Response("not found", media_type="text/plain", status_code=404)
        if file.suffix == ".html":
            return self._html(file, 200, url_folder)
        media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return FileResponse(file, media_type=media)

    def _resolve(self, relative: str) -> Path | None:
        relative = urllib.parse.unquote(relative)
        if "\x00" in relative:
            return None
        candidate = (self.folder / relative).resolve()
        if candidate != self.folder and self.folder not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _html(self, file: Path, status: int, url_folder: str) -> Response:
        """The page with a fresh nonce on the site's own scripts and a policy naming it.

        Pages are marked once per change, for the folder they are built for; a page served
        from another folder (the 404 page) is marked for that request's folder.
        """
        stamp = file.stat().st_mtime_ns
        home = "/" + "".join(f"{part}/" for part in file.relative_to(self.folder).parent.parts)
        at_home = url_folder == urllib.parse.quote(home)
        cached = self._pages.get(file) if at_home else None
        if cached is None or cached[0] != stamp:
            text = file.read_text(encoding="utf-8", errors="replace")
            text, count = _HEAD_END.subn(SCRIPT_TAG + "</head>", text, count=1)
            if not count:
                text = SCRIPT_TAG + text
            cached = (stamp, self.scripts.mark(text, url_folder))
            if at_home:
                self._pages[file] = cached
        nonce = secrets.token_urlsafe(18)
        return Response(cached[1].render(nonce), status_code=status, media_type="text/html",
                        headers={"content-security-policy": page_csp(nonce),
                                 "cache-control": "no-cache"})

    async def login(self, request: Request) -> Response:
        if not self.access.token:
            return RedirectResponse("/", status_code=303)
        if request.method == "POST":
            body = (await request.body())[:4096].decode("utf-8", "replace")
            given = urllib.parse.parse_qs(body).get("token", [""])[0]
            if self.access.valid(given):
                response = RedirectResponse("/", status_code=303)
                response.set_cookie(COOKIE, self.access.new_session(), max_age=SESSION_SECONDS,
                                    path="/", httponly=True, samesite="strict",
                                    secure=self.access.behind_proxy or request.url.scheme == "https")
                return response
            return _login_page("That token is not valid.", 401)
        return _login_page("", 200)


def _login_page(message: str, status: int) -> Response:
    note = f"<p>{html.escape(message)}</p>" if message else ""
    body = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Agent sign-in</title>"
            "</head><body><h1>Support knowledge base</h1><p>This site is for agents. Enter the "
            f"access token you were given.</p>{note}<form method=post action=/_kb/login>"
            "<input type=password name=token autocomplete=current-password required> "
            "<button>Sign in</button></form></body></html>")
    return Response(body, status_code=status, media_type="text/html",
                    headers={"content-security-policy": page_csp(None),
                             "cache-control": "no-store"})

