"""Who may bind where, who is an agent, which Host names are answered, and the security headers.

- Loopback by default. Any other address needs an access token, or ``behind_proxy`` (the
  company's single-sign-on proxy authenticates every request before it reaches us), unless
  the server is ``public`` (``kb serve --public``): then it serves the public site to anyone,
  every request is a customer's, and there is no sign-in.
- With a token configured, a request is an agent's only if it carries the token in an
  ``Authorization: Bearer`` header, or the signed session cookie ``/_kb/login`` sets (never
  the token itself; see :meth:`Access.new_session`); every other request is public scope:
  public search results only, and no internal pages.
- Every request must name this server in its ``Host`` header (:class:`TrustedHosts`): its own
  address, or a name given with ``--allow-host``. That stops DNS rebinding, where a web page an
  agent visits points its own host name at 127.0.0.1 and reads the internal site.
- Requests that change something (the search box's events) must come from a page of this
  server (:func:`same_origin`), with a bounded JSON body.
- Every response gets ``nosniff``, frame denial, no referrer and a content security policy;
  HTML pages get :func:`page_csp`, which lets only scripts carrying the response's nonce run
  (:mod:`kbtools.server.scripts` decides which scripts get it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from starlette.responses import PlainTextResponse

from kbtools import clock
from kbtools.errors import UsageError

COOKIE = "kb_session"
SESSION_SECONDS = 12 * 60 * 60
"""How long a sign-in lasts (one working day)."""
MIN_TOKEN_CHARS = 16
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?"
                   r"(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*)(?::(\d{1,5}))?\Z")

BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True)
class Access:
    """How the server decides who reaches it and in which scope."""

    token: str | None = None
    """Agents' access token; without it every request that gets through is an agent's."""
    behind_proxy: bool = False
    """The single-sign-on proxy in front authenticates every request."""
    allowed_hosts: tuple[str, ...] = ()
    """``Host`` names answered besides the server's own address (``name`` or ``name:port``)."""
    public: bool = False
    """Serve customers only (``kb serve --public``): no request is an agent's, no sign-in."""

    def is_agent(self, headers, cookies) -> bool:
        """True when the request may see internal content."""
        if self.public:
            return False
        if not self.token:
            return True  # loopback only, or every request authenticated by the proxy
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return self.valid(auth[7:].strip())
        return self.valid_session(cookies.get(COOKIE, ""))

    def valid(self, given: str) -> bool:
        """True when ``given`` is the access token."""
        return bool(self.token) and hmac.compare_digest(given.encode(), self.token.encode())

    def new_session(self) -> str:
        """A cookie value for a signed-in agent: ``ID.EXPIRES.SIGNATURE``, where ID is random,
        EXPIRES is a Unix time :data:`SESSION_SECONDS` ahead and SIGNATURE an HMAC-SHA256 of
        both under a key derived from the token (another token's cookies do not verify)."""
        payload = f"{secrets.token_urlsafe(18)}.{int(clock.now().timestamp()) + SESSION_SECONDS}"
        return f"{payload}.{self._sign(payload)}"

    def valid_session(self, value: str) -> bool:
        """True for an unexpired cookie value made by :meth:`new_session` with this token."""
        if not self.token or value.count(".") != 2:
            return False
        payload, _, signature = value.rpartition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(payload).encode()):
            return False
        expires = payload.partition(".")[2]
        return expires.isdigit() and int(expires) > clock.now().timestamp()

    def _sign(self, payload: str) -> str:
        key = hmac.new(self.token.encode(), b"kb serve session cookie", hashlib.sha256).digest()
        digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def access_settings(token: str | None, *, behind_proxy: bool = False,
                    allowed_hosts: Iterable[str] = (), public: bool = False) -> Access:
    """Checked :class:`Access` for ``kb serve``.

    Raises :class:`UsageError` for a token under :data:`MIN_TOKEN_CHARS` characters, a host
    name that is not one, ``behind_proxy`` without ``allowed_hosts`` (the proxy forwards
    the public name it is reached by, which only the operator knows), and a token with
    ``public`` (a public server has no agents to sign in).
    """
    if public and token is not None:
        raise UsageError("--public serves the public site to everyone and takes no access "
                         "token: drop --token-file, or serve the internal site without "
                         "--public")
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise UsageError(f"the access token must be at least {MIN_TOKEN_CHARS} characters long")
    hosts = tuple(dict.fromkeys(host_name(h) for h in allowed_hosts))
    if behind_proxy and not hosts:
        raise UsageError(
            "--behind-proxy needs the host name agents reach the proxy by: add --allow-host "
            "NAME (e.g. --allow-host kb.example.com); requests naming any other host are "
            "refused, so that no other web page can read the site through DNS rebinding")
    return Access(token=token, behind_proxy=behind_proxy, allowed_hosts=hosts, public=public)


def host_name(value: str) -> str:
    """``value`` as an allowed-host entry (lower case), e.g. ``kb.example.com`` or
    ``kb.example.com:8443`` or ``[fd00::1]``. Raises :class:`UsageError` for anything else."""
    name = value.strip().lower()
    if _HOST.match(name) is None:
        raise UsageError(f"--allow-host takes a host name, optionally with a port (such as "
                         f"kb.example.com or kb.example.com:8443), got {value!r}")
    return name


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def check_bind(host: str, access: Access) -> None:
    """Refuse to listen beyond loopback without a token or ``--behind-proxy`` (a ``public``
    server may listen anywhere).

    Raises :class:`UsageError` explaining the ways out.
    """
    if is_loopback(host) or access.token or access.behind_proxy or access.public:
        return
    raise UsageError(
        f"refusing to serve the internal site on {host}: it is for agents only. "
        "Set an access token (KB_SERVE_TOKEN or --token-file), or pass --behind-proxy when "
        "the company's single-sign-on proxy authenticates every request (or serve the public "
        "site only, with --public)")


def host_allowed(host: str | None, server: tuple | None, scheme: str,
                 allowed: Iterable[str] = ()) -> bool:
    """True when a request's ``Host`` header names this server.

    ``server`` is the local (address, port) the request came in on: a loopback address
    answers to ``127.0.0.1``, ``localhost`` and ``[::1]`` at that port, any other address to
    itself. An ``allowed`` entry without a port matches any port (a proxy's public port is
    not ours). A header without a port means the scheme's default port.
    """
    match = _HOST.match((host or "").strip().lower())
    if match is None:
        return False
    name = match.group(1)
    port = int(match.group(2)) if match.group(2) else 443 if scheme in ("https", "wss") else 80
    if name in allowed or f"{name}:{port}" in allowed:
        return True
    if not server or len(server) < 2:
        return False
    local = str(server[0])
    names = LOOPBACK_NAMES if is_loopback(local) else (f"[{local}]" if ":" in local else local,)
    return name in names and port == server[1]


def same_origin(headers: Mapping[str, str]) -> bool:
    """True when the browser says a request comes from a page of this server: an ``Origin``
    naming the host and port of the ``Host`` header (already checked by :class:`TrustedHosts`),
    and ``Sec-Fetch-Site: same-origin`` when that header is sent. Requests without ``Origin``
    are refused: browsers send it with every ``POST``."""
    site = headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = urllib.parse.urlsplit(headers.get("origin") or "")
    host = _HOST.match((headers.get("host") or "").strip().lower())
    if origin.scheme not in ("http", "https") or not origin.hostname or host is None:
        return False
    default = 443 if origin.scheme == "https" else 80
    try:
        origin_port = origin.port or default
    except ValueError:  # a port that is not one
        return False
    name = f"[{origin.hostname}]" if ":" in origin.hostname else origin.hostname
    port = int(host.group(2)) if host.group(2) else default
    return (name, origin_port) == (host.group(1), port)


class TrustedHosts:
    """ASGI middleware: answer a request naming another host with ``421 Misdirected Request``.

    Starlette's ``TrustedHostMiddleware`` compares names only, without the port, cannot
    read ``[::1]:8000``, and does not know which address the server listens on (``--port 0``
    picks it at start-up); this check uses the connection's own local address.
    """

    def __init__(self, app, allowed: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = frozenset(allowed)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", ())
                     if k == b"host"), None)
        if host_allowed(host, scope.get("server"), scope.get("scheme", "http"), self.allowed):
            await self.app(scope, receive, send)
            return
        if host is None:
            message = "missing Host header: kb serve answers only requests that name it"
        else:
            message = (f"misdirected request: kb serve does not answer to the host name "
                       f"{host[:100]!r}. It answers to its own address and to names given with "
                       "--allow-host (so that no other web site can read it through DNS "
                       "rebinding).")
        response = PlainTextResponse(message, status_code=421 if host else 400,
                                     headers={"cache-control": "no-store"})
        await response(scope, receive, send)


def page_csp(nonce: str | None) -> str:
    """A policy for one HTML page: scripts run only with ``nonce`` (none without one); styles,
    images, fonts, workers and requests from this server only."""
    scripts = f"'nonce-{nonce}'" if nonce else "'none'"
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            # Material sets style attributes from its scripts and in its markup.
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            # No <base>: it would move the relative URLs of the site's own scripts.
            "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """ASGI middleware: the base headers on every response (the app may add a CSP)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in BASE_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", API_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
