"""Live reload for ``kb serve --watch``: ASGI middleware around the ``kb serve`` app.

- Every HTML page the app serves gets ``<script src="/_kb/live.js">`` before ``</head>``,
  carrying the nonce the app's own ``Content-Security-Policy`` header gives the page (so no
  policy is loosened) and the site generation the page belongs to.
- ``GET /_kb/live?since=VERSION`` answers the preview's state (:class:`PreviewState`) as
  JSON once its version differs from ``VERSION`` (a long poll, at most
  :data:`POLL_SECONDS`); the script reloads the page when the generation changed and shows
  the findings of a refused edit in an overlay.

Both routes get the same Host check (:class:`~kbtools.server.security.TrustedHosts`) and
headers as the rest of the server, and the state only goes to whoever may see the pages.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from kbtools.preview.session import Preview
from kbtools.server.security import Access, SecurityHeaders, TrustedHosts, page_csp

LIVE_SCRIPT = "/_kb/live.js"
LIVE_STATE = "/_kb/live"
SCRIPT_FILE = Path(__file__).with_name("live.js")
POLL_SECONDS = 20.0
_CHECK_EVERY = 0.05
_NONCE = re.compile(r"script-src[^;]*'nonce-([A-Za-z0-9+/_=-]+)'")
_HEAD_END = re.compile(rb"</head\s*>", re.I)


class LiveReload:
    """Wraps ``app`` (the ``kb serve`` application) for ``preview``, served with ``access``."""

    def __init__(self, app, preview: Preview, access: Access) -> None:
        self.app = app
        self.preview = preview
        self.access = access
        routes = [Route(LIVE_SCRIPT, self._script, methods=["GET"]),
                  Route(LIVE_STATE, self._state, methods=["GET"])]
        self.own = SecurityHeaders(TrustedHosts(Starlette(routes=routes), access.allowed_hosts))
        waiting = Starlette(routes=[Route("/{path:path}", _waiting, methods=["GET", "HEAD"])])
        self.own_waiting = SecurityHeaders(TrustedHosts(waiting, access.allowed_hosts))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in (LIVE_SCRIPT, LIVE_STATE):
            await self.own(scope, receive, send)
            return
        if self.preview.state.generation == 0 and not scope["path"].startswith("/api/"):
            await self.own_waiting(scope, receive, send)  # no good build yet
            return
        await self.app(scope, receive, _Injecting(send, self.preview.state.generation,
                                                  scope.get("method") == "HEAD"))

    def _allowed(self, request: Request) -> bool:
        return self.access.public or self.access.is_agent(request.headers, request.cookies)

    async def _script(self, request: Request) -> Response:
        return FileResponse(SCRIPT_FILE, media_type="text/javascript",
                            headers={"cache-control": "no-cache"})

    async def _state(self, request: Request) -> Response:
        if not self._allowed(request):
            return JSONResponse({"error": "agents only"}, status_code=401)
        try:
            since = int(request.query_params.get("since", "-1"))
        except ValueError:
            return JSONResponse({"error": "since: expected a number"}, status_code=400)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + POLL_SECONDS
        state = self.preview.state
        while state.version == since and loop.time() < deadline:
            await asyncio.sleep(_CHECK_EVERY)
            state = self.preview.state
        return JSONResponse(state.to_dict(), headers={"cache-control": "no-store"})


async def _waiting(request: Request) -> Response:
    """Every page until the first good build: it says so, shows the findings and reloads by
    itself once the site is there (the live script, with this response's nonce)."""
    nonce = secrets.token_urlsafe(18)
    body = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>kb preview</title>"
            f'<script src="{LIVE_SCRIPT}" data-generation="0" nonce="{nonce}" defer></script>'
            "</head><body><h1>kb preview</h1><p>The site has not been built yet: this page "
            "reloads by itself when it is.</p></body></html>")
    return Response(body, status_code=503, media_type="text/html",
                    headers={"content-security-policy": page_csp(nonce),
                             "cache-control": "no-store"})


class _Injecting:
    """An ASGI ``send`` that adds the live script to an HTML response (other responses pass
    through untouched)."""

    def __init__(self, send, generation: int, head: bool) -> None:
        self.send = send
        self.generation = generation
        self.head = head
        self.start: dict | None = None
        self.chunks: list[bytes] = []

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            headers = {k.lower(): v for k, v in message.get("headers", ())}
            if self.head or not headers.get(b"content-type", b"").startswith(b"text/html"):
                await self.send(message)
                return
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        start, self.start = self.start, None
        body = self._inject(start, b"".join(self.chunks))
        headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.send({**start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})

    def _inject(self, start: dict, body: bytes) -> bytes:
        policy = next((v.decode("latin-1") for k, v in start.get("headers", ())
                       if k.lower() == b"content-security-policy"), "")
        nonce = _NONCE.search(policy)
        if nonce is None:  # no script may run on this page: nothing to add
            return body
        tag = (f'<script src="{LIVE_SCRIPT}" data-generation="{self.generation}" '
               f'nonce="{nonce.group(1)}" defer></script>').encode()
        found = _HEAD_END.search(body)
        at = found.start() if found else 0
        return body[:at] + tag + body[at:]
