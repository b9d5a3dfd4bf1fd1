"""Who may bind where, who is an agent, and the security headers on every response.

- Loopback by default. Any other address needs an access token, or ``behind_proxy`` (the
  company's single-sign-on proxy authenticates every request before it reaches us).
- With a token configured, a request is an agent's only if it carries the token (a
  ``Authorization: Bearer`` header or the ``kb_token`` cookie set by ``/_kb/login``); every
  other request is public scope: public search results only, and no internal pages.
- Every response gets ``nosniff``, frame denial, no referrer and a content security policy;
  HTML pages get a policy allowing exactly their own inline scripts, by hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
from dataclasses import dataclass

from kbtools.errors import UsageError

COOKIE = "kb_token"
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)

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
    """How the server decides scope: an optional token, or a trusted proxy in front."""

    token: str | None = None
    behind_proxy: bool = False

    def is_agent(self, headers, cookies) -> bool:
        """True when the request may see internal content."""
        if not self.token:
            return True  # loopback only, or every request authenticated by the proxy
        given = cookies.get(COOKIE, "")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        return self.valid(given)

    def valid(self, given: str) -> bool:
        return bool(self.token) and hmac.compare_digest(given.encode(), self.token.encode())


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, access: Access) -> None:
    """Refuse to listen beyond loopback without a token or ``--behind-proxy``.

    Raises :class:`UsageError` explaining both ways out.
    """
    if is_loopback(host) or access.token or access.behind_proxy:
        return
    raise UsageError(
        f"refusing to serve the internal site on {host}: it is for agents only. "
        "Set an access token (KB_SERVE_TOKEN or --token-file), or pass --behind-proxy when "
        "the company's single-sign-on proxy authenticates every request")


def page_csp(html_text: str) -> str:
    """A policy for one HTML page: its own inline scripts by hash, everything else 'self'."""
    hashes = sorted({
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html_text) if body.strip()
    })
    scripts = " ".join(["'self'", *hashes])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            # Material sets style attributes from its scripts and in its markup.
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
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
