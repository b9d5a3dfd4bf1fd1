"""``kb serve --watch``: a live preview of one site while authors edit.

The site (internal by default, or public) is built into a private folder under the state
folder (``.kb/preview/``) and served on loopback by the ``kb serve`` app, with its token and
Host checks. ``watchfiles`` watches the sources (:mod:`.watch`); each set of changes rebuilds
only the previewed site (:mod:`.session`), swapped in atomically, and every open page reloads
itself (:mod:`.live`). An edit that breaks something leaves the last good site served and
shows its ``path:line: severity: message [code]`` findings in the page and in the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kbtools.errors import UsageError
from kbtools.preview.live import LiveReload
from kbtools.preview.session import Outcome, Preview, PreviewState
from kbtools.preview.watch import Watcher, watched
from kbtools.server import ServerSettings, serve
from kbtools.server.security import Access, is_loopback
from kbtools.sites import INTERNAL, PUBLIC

__all__ = ["LiveReload", "Outcome", "Preview", "PreviewState", "Watcher", "serve_preview",
           "watched"]


def serve_preview(root: Path | str, access: Access, *, host: str = "127.0.0.1",
                  port: int = 8000, on_ready: Callable[[str], None] | None = None,
                  report: Callable[[Outcome, list[str]], None] | None = None) -> None:
    """Build the site ``access`` calls for (public when ``access.public``), serve it on
    ``host:port`` and rebuild it after every change until interrupted. ``report(outcome,
    changed)`` is called after each build, the first one included (``changed`` empty).

    Raises :class:`UsageError` when ``host`` is not a loopback address (a preview is one
    author's), and what :func:`kbtools.server.serve` raises.
    """
    if not is_loopback(host):
        raise UsageError(f"kb serve --watch serves on loopback only, not {host}: a preview "
                         "is for the author at this machine (use --host 127.0.0.1)")
    preview = Preview(root, PUBLIC if access.public else INTERNAL)
    first = preview.rebuild()
    if report is not None:
        report(first, [])
    kb = first.kb or preview.kb
    if kb is None:  # the settings cannot be read: nothing can be served
        raise UsageError("kb serve --watch: the knowledge base cannot be opened",
                         first.findings)
    watcher = Watcher(preview, report)
    watcher.start()
    try:
        serve(kb, ServerSettings(site_dir=preview.site_dir(kb), access=access), host=host,
              port=port, on_ready=on_ready, wrap=lambda app: LiveReload(app, preview, access))
    finally:
        watcher.stop()
