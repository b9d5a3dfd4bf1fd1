"""``kb serve``: the internal site and the search API on a production ASGI server.

Starlette (routing, responses) on uvicorn (HTTP): both well kept, small, and already the
project's dependencies. The app answers searches from the live index generation and follows
``kb index`` runs by itself (see :mod:`kbtools.search.engine`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbtools.search import ensure_index
from kbtools.server.app import ServerSettings, create_app
from kbtools.server.security import Access, check_bind, is_loopback

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

__all__ = ["serve", "create_app", "ServerSettings", "Access", "check_bind", "is_loopback"]


def serve(kb: KnowledgeBase, settings: ServerSettings, *, host: str = "127.0.0.1",
          port: int = 8000, on_ready=None) -> None:
    """Check the bind address, make sure an index exists, then serve until interrupted.

    Raises :class:`~kbtools.errors.UsageError` for a non-loopback ``host`` without a token
    or ``behind_proxy``. ``on_ready(url)`` is called once the socket listens.
    """
    import uvicorn

    check_bind(host, settings.access)
    ensure_index(kb)
    config = uvicorn.Config(create_app(kb, settings), host=host, port=port, log_level="warning",
                            access_log=False, server_header=False,
                            proxy_headers=settings.access.behind_proxy,
                            forwarded_allow_ips="127.0.0.1" if settings.access.behind_proxy else None)
    server = uvicorn.Server(config)
    if on_ready is not None:
        original = server.startup

        async def startup(sockets=None):
            await original(sockets=sockets)
            for listener in server.servers:
                for sock in listener.sockets:
                    address = sock.getsockname()
                    on_ready(f"http://{_display(address[0])}:{address[1]}")
                    return

        server.startup = startup
    server.run()


def _display(host: str) -> str:
    return f"[{host}]" if ":" in host else host
