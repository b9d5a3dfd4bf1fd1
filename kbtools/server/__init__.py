"""``kb serve``: the internal site (or, with ``--public``, the public one) and the search API
on a production ASGI server.

Starlette (routing, responses) on uvicorn (HTTP): both well kept, small, and already the
project's dependencies. The app answers searches from the live index generation and follows
``kb index`` runs by itself (see :mod:`kbtools.search.engine`).
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from kbtools.errors import UsageError
from kbtools.search import ensure_index
from kbtools.server.app import ServerSettings, check_public_site, create_app
from kbtools.server.security import Access, check_bind, is_loopback

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

__all__ = ["serve", "create_app", "ServerSettings", "Access", "check_bind", "is_loopback"]


def serve(kb: KnowledgeBase, settings: ServerSettings, *, host: str = "127.0.0.1",
          port: int = 8000, on_ready=None, wrap=None) -> None:
    """Check the bind address, make sure an index exists, then serve until interrupted.

    Raises :class:`~kbtools.errors.UsageError` for a non-loopback ``host`` without a token
    or ``behind_proxy`` (unless the server is public), a public server whose site folder is
    not a public site, and when ``host:port`` cannot be listened on. ``port`` 0 picks a free
    port. ``on_ready(url)`` is called once the socket listens (connections made from then on
    wait until the server accepts them). ``wrap(app)``, when given, returns the ASGI app
    served instead of ``app`` (``kb serve --watch`` adds live reload around it).
    """
    import uvicorn

    check_bind(host, settings.access)
    if settings.access.public:
        check_public_site(settings.site_dir)
    ensure_index(kb)
    app = create_app(kb, settings)
    config = uvicorn.Config(app if wrap is None else wrap(app), host=host, port=port,
                            log_level="warning",
                            access_log=False, server_header=False,
                            proxy_headers=settings.access.behind_proxy,
                            forwarded_allow_ips="127.0.0.1" if settings.access.behind_proxy else None)
    with _listen(host, port) as sock:
        if on_ready is not None:
            address = sock.getsockname()
            on_ready(f"http://{_display(address[0])}:{address[1]}")
        uvicorn.Server(config).run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` (an IPv6 address with or without brackets;
    port 0 for a free one). Raises :class:`~kbtools.errors.UsageError` when that fails."""
    address = host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        return socket.create_server((address, port), family=family)
    except OSError as exc:
        raise UsageError(f"cannot listen on {_display(address)}:{port}: "
                         f"{exc.strerror or exc} (pick another --port, or 0 for a free one)"
                         ) from None


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
