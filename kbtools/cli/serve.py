"""``kb serve``: the internal site and the search API for agents, or the public site for all."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kbtools.cli.app import err_console, main, pass_state
from kbtools.diagnostics import render, summary
from kbtools.errors import UsageError
from kbtools.server import ServerSettings, serve
from kbtools.server.security import Access, access_settings
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
@click.option("--watch", is_flag=True,
              help="Preview while you edit: build the site (internal, or --public) into "
                   ".kb/preview/, rebuild it after each change to docs/, playbooks/, macros/ or "
                   "the settings files, and reload open pages; a broken edit shows its "
                   "findings in the page and here, and the last good site stays served. "
                   "Loopback only.")
@click.option("--allow-host", "allowed_hosts", multiple=True, metavar="NAME[:PORT]",
              help="Also answer requests for this host name (repeatable); by default only the "
                   "address listened on (127.0.0.1, localhost, [::1] on loopback) is answered.")
@pass_state
def serve_command(state, host: str, port: int, site_dir: Path | None, public: bool,
                  token_file: Path | None, behind_proxy: bool, watch: bool,
                  allowed_hosts: tuple[str, ...]) -> None:
    """Serve the internal site and the search API (GET /api/search) until interrupted.

    The site's search box uses the API, so agents get the same ranking as `kb search`; it logs
    a query once the agent stops typing, and which result they opened (see `kb gaps`). The
    server picks up a new index from `kb index` without a restart. Requests naming a host
    other than the server's address or an --allow-host name are refused (421). With --public
    it serves the public site (`kb build --only public`) and public search to everyone.
    With --watch it serves a private preview instead, rebuilt and reloaded on every change.
    """
    if watch:
        if site_dir is not None:
            raise UsageError("--site and --watch disagree: --watch builds its own preview "
                             "(in .kb/preview/); give one of them")
        _serve_preview(state.root, host, port,
                       _access(public, token_file, behind_proxy, allowed_hosts))
        return
    kb = state.kb()
    access = _access(public, token_file, behind_proxy, allowed_hosts)
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


def _access(public: bool, token_file: Path | None, behind_proxy: bool,
            allowed_hosts: tuple[str, ...]) -> Access:
    """Who may reach the server: the token from --token-file or KB_SERVE_TOKEN (none when
    public), checked with the other options."""
    token = None if public else os.environ.get("KB_SERVE_TOKEN") or None
    if token_file is not None:
        token = token_file.read_text(encoding="utf-8").strip() or None
    return access_settings(token, behind_proxy=behind_proxy, allowed_hosts=allowed_hosts,
                           public=public)


def _serve_preview(root: Path, host: str, port: int, access: Access) -> None:
    """``kb serve --watch``: the preview of one site, its findings printed after each build."""
    from kbtools.preview import serve_preview  # watchfiles and MkDocs: only for --watch

    console = err_console()

    def report(outcome, changed: list[str]) -> None:
        what = ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "") or (
            "first build" if outcome.languages is None else "the other languages")
        sys.stderr.write(render(outcome.findings, "text") if changed or not outcome.built
                         or outcome.languages is None else "")
        verdict = "rebuilt" if outcome.built else "not rebuilt (the last good site is served)"
        if outcome.built and outcome.languages is not None:
            verdict += f" ({', '.join(sorted(outcome.languages))})"
        console.print(f"{what}: {verdict}; {summary(outcome.findings, 'the edited files')}",
                      markup=False, highlight=False)

    def ready(url: str) -> None:
        console.print(f"serving {url} (a live preview: rebuilt and reloaded on every change); "
                      "Ctrl+C to stop",
                      markup=False, highlight=False)

    serve_preview(root, access, host=host, port=port, on_ready=ready, report=report)
