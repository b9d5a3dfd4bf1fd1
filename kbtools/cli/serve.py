"""``kb serve``: the internal site and the search API for agents, or the public site for all."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kbtools.cli.app import err_console, main, pass_state
from kbtools.server import ServerSettings, serve
from kbtools.server.security import access_settings
from kbtools.sites.site import INTERNAL, PUBLIC, SITES


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs a token or --behind-proxy "
                   "(or --public).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0 picks a free one).")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Built site to serve [default: ROOT/site, or ROOT/site-public "
                                 "with --public].")
@click.option("--public", is_flag=True,
              help="Serve the public site to anyone: no sign-in, public search results only, "
                   "queries logged with scope public. Refuses a folder that is not a public "
                   "build.")
@click.option("--token-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="File holding the agents' access token (or set KB_SERVE_TOKEN).")
@click.option("--behind-proxy", is_flag=True,
              help="Trust the company's single-sign-on proxy in front to authenticate every "
                   "request; allows a non-loopback --host without a token. Needs --allow-host.")
@click.option("--allow-host", "allowed_hosts", multiple=True, metavar="NAME[:PORT]",
              help="Also answer requests for this host name (repeatable); by default only the "
                   "address listened on (127.0.0.1, localhost, [::1] on loopback) is answered.")
@pass_state
def serve_command(state, host: str, port: int, site_dir: Path | None, public: bool,
                  token_file: Path | None, behind_proxy: bool,
                  allowed_hosts: tuple[str, ...]) -> None:
    """Serve the internal site and the search API (GET /api/search) until interrupted.

    The site's search box uses the API, so agents get the same ranking as `kb search`; it logs
    a query once the agent stops typing, and which result they opened (see `kb gaps`). The
    server picks up a new index from `kb index` without a restart. Requests naming a host
    other than the server's address or an --allow-host name are refused (421). With --public
    it serves the public site (`kb build --only public`) and public search to everyone.
    """
    kb = state.kb()
    token = None if public else os.environ.get("KB_SERVE_TOKEN") or None
    if token_file is not None:
        token = token_file.read_text(encoding="utf-8").strip() or None
    access = access_settings(token, behind_proxy=behind_proxy, allowed_hosts=allowed_hosts,
                             public=public)
    site = site_dir if site_dir is not None else kb.root / SITES[PUBLIC if public else INTERNAL].out
    settings = ServerSettings(site_dir=site, access=access)
    console = err_console()
    if not site.is_dir():
        build = "kb build --only public" if public else "kb build"
        console.print(f"note: no built site at {site}; serving the search API only "
                      f"(run `{build}` for the site)", markup=False, highlight=False)

    def ready(url: str) -> None:
        console.print(f"serving {url} (search API: {url}/api/search?q=...); Ctrl+C to stop",
                      markup=False, highlight=False)

    serve(kb, settings, host=host, port=port, on_ready=ready)
