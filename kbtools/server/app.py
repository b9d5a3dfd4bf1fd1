"""The ``kb serve`` web app: a built site plus the search API.

Routes:

- ``GET /api/search`` and ``POST /api/search/events``: the search API
  (:mod:`kbtools.server.api`).
- ``POST /api/feedback`` (public server only): the site's "Was this helpful?" votes
  (:mod:`kbtools.server.feedback`).
- ``GET /_kb/search.js`` -> the script that makes the site's search box use the API (the
  theme's ``assets/kb/search.js``).
- ``GET|POST /_kb/login`` -> token form (only when a token is configured, never on a public
  server); a right token gets a signed session cookie.
- everything else -> the built site folder; HTML pages get the script tag injected, and a
  fresh nonce on the site's own scripts for every response (:mod:`kbtools.server.scripts`).

The internal site is for agents (:class:`~kbtools.server.security.Access`); a public server
(``kb serve --public``) serves the public site to anyone, and only pages that say they belong
to the public site (:func:`is_public_page`).

Requests that do not name this server in their ``Host`` header are refused first
(:class:`~kbtools.server.security.TrustedHosts`).
"""

from __future__ import annotations

import html
import mimetypes
import re
import secrets
import urllib.parse
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from kbtools.errors import UsageError
from kbtools.server.api import SearchApi, error
from kbtools.server.feedback import FeedbackApi
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

SEARCH_SCRIPT = "/_kb/search.js"
SEARCH_SCRIPT_FILE = (Path(str(resources.files("kbtools.sites"))) / "theme" / "assets" / "kb"
                      / "search.js")
"""One search box script for both: the public site's pages load it from the theme's assets."""
SCRIPT_TAG = f'<script src="{SEARCH_SCRIPT}" defer></script>'
PUBLIC_MARK = '<meta name="kb-site" content="public">'
"""What the theme (``main.html``) writes into the head of every page of the public site."""
_HEAD_END = re.compile(r"</head\s*>", re.I)


@dataclass(frozen=True)
class ServerSettings:
    """What ``kb serve`` serves and to whom."""

    site_dir: Path | None = None
    """The built site: the internal one (``site/``), or the public one (``site-public/``)
    when ``access.public``; without it only the API is served."""
    access: Access = Access()


def create_app(kb: KnowledgeBase, settings: ServerSettings) -> SecurityHeaders:
    """The ASGI application for ``kb`` (wrapped in the Host check and the security-headers
    middleware)."""
    api = SearchApi(kb, settings.access)
    site = _Site(settings.site_dir, settings.access)
    login = [] if settings.access.public else [
        Route("/_kb/login", site.login, methods=["GET", "POST"])]
    votes = FeedbackApi(kb, settings.site_dir, is_public_page) if settings.access.public else None
    feedback = [Route("/api/feedback", votes.vote, methods=["POST"])] if votes else []
    routes = [
        Route("/api/search", api.search, methods=["GET"]),
        Route("/api/search/events", api.event, methods=["POST"]),
        *feedback,
        Route(SEARCH_SCRIPT, _script, methods=["GET"]),
        *login,
        Route("/{path:path}", site.page, methods=["GET", "HEAD"]),
    ]
    return SecurityHeaders(TrustedHosts(Starlette(routes=routes), settings.access.allowed_hosts))


def is_public_page(text: str) -> bool:
    """True when an HTML page says, in its head, that it belongs to the public site."""
    return PUBLIC_MARK in _HEAD_END.split(text, maxsplit=1)[0]


def check_public_site(folder: Path | None) -> None:
    """Refuse a folder that is not a public site built by ``kb build`` (its home page does not
    say so), so that ``kb serve --public`` never serves the internal site to anyone.

    Raises :class:`UsageError`. A missing folder is no error: the API alone is served.
    """
    if folder is None or not Path(folder).is_dir():
        return
    home = Path(folder) / "index.html"
    try:
        text = home.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    if not is_public_page(text):
        raise UsageError(f"{folder} is not a public site built by `kb build` (its index.html "
                         "does not say it belongs to the public site), and --public serves "
                         "only that: run `kb build --only public`, or name its folder with "
                         "--site")


async def _script(request: Request) -> Response:
    return FileResponse(SEARCH_SCRIPT_FILE, media_type="text/javascript",
                        headers={"cache-control": "no-cache"})


class _Site:
    def __init__(self, folder: Path | None, access: Access) -> None:
        self.folder = Path(folder).resolve() if folder else None
        self.access = access
        self.scripts = OwnScripts(self._resolve if self.folder else None, [SEARCH_SCRIPT])
        self._pages: dict[Path, tuple[int, MarkedPage]] = {}

    async def page(self, request: Request) -> Response:
        if not self.access.public and not self.access.is_agent(request.headers, request.cookies):
            if self.access.token:
                return RedirectResponse("/_kb/login", status_code=303)
            return error(401, "agents only")
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
            if self.access.public and not is_public_page(text):
                return Response("not found", media_type="text/plain", status_code=404)
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
        if not self.access.token or self.access.public:
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

