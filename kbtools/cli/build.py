"""``kb build``."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.table import Table

from kbtools.cli.app import EXIT_OK, emit_json, main, out_console, output_format, pass_state
from kbtools.sites import SITES, build


@main.command("build")
@click.option("--only", type=click.Choice(list(SITES)), help="Build one site only.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to build into (default: the KB root, giving site/ and site-public/).")
@click.option("--clean", is_flag=True,
              help="Render every page (default: reuse the pages whose inputs did not change "
                   "since the last build).")
@click.option("--jobs", type=click.IntRange(1, 2), default=None,
              help="Sites built at once (default: 2 on a machine with two cores and 2 GB "
                   "free; 1 uses less memory).")
@output_format(what="the build report, or the problems that stopped it,")
@pass_state
def build_command(state, only: str | None, out: Path | None, clean: bool, jobs: int | None,
                  fmt: str) -> None:
    """Build the internal site (site/) and the public FAQ (site-public/) with MkDocs.

    The public site contains only `audience: public` articles. A site is not built (and its
    folder is left as it was) while `kb check` reports errors in its pages, a public page
    links to an internal one, a macro fails, or MkDocs warns; each problem is printed once as
    PATH:LINE: SEVERITY: MESSAGE [CODE] (or JSON, or GitHub annotations) and the exit code is 1.

    One build of a knowledge base runs at a time: a second one stops at once with exit code
    2, as does a build whose output or .kb/ folder cannot be written (the old site stays).

    Builds are incremental: a page whose inputs (its text, facts, navigation, templates,
    settings, kb's version) did not change since the last build is not rendered again, and
    the output is the same as a clean build's. --clean renders every page.
    """
    logging.getLogger("mkdocs").addHandler(logging.NullHandler())  # we print what it says
    report = build(state.kb(), (only,) if only else tuple(SITES), out=out, clean=clean,
                   jobs=jobs)
    if fmt == "json":
        emit_json(report.to_dict())
    elif fmt == "text":
        table = Table("site", "folder", "pages", "reused", "shared", "size", "seconds")
        for site in report.sites:
            table.add_row(site.site, str(site.out), str(site.pages), str(site.reused),
                          str(site.shared), f"{site.bytes / 1e6:.1f} MB", f"{site.seconds:.1f}")
        out_console().print(table)
    raise SystemExit(EXIT_OK)
