"""``kb index``: build or update the search index."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kbtools.cli.app import EXIT_OK, emit_json, err_console, main, pass_state
from kbtools.search import update_index


@contextlib.contextmanager
def index_progress(enabled: bool = True) -> Iterator:
    """Yield a ``progress(done, total)`` callback drawing a bar on a terminal (else None)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                   console=err_console(), transient=True)
    task = None
    with bar:
        def progress(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task("index", total=total)
            bar.update(task, completed=done, total=total)
        yield progress


@main.command("index")
@click.option("--full", is_flag=True, help="Rebuild everything instead of only what changed.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
@pass_state
def index_command(state, full: bool, as_json: bool) -> None:
    """Build or update the search index (under .kb/index).

    Only articles that changed since the last run are re-indexed; the new index is built
    beside the live one and swapped in at once, so searches never see a half-built index.
    """
    kb = state.kb()
    started = time.perf_counter()
    with index_progress(enabled=not as_json) as progress:
        report = update_index(kb, progress=progress, full=full)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json({**report.to_dict(), "seconds": round(seconds, 3)})
        raise SystemExit(EXIT_OK)
    console = err_console()
    for finding in kb.findings:  # files the index left out, and why (kb check says all)
        if finding.code.startswith("file."):
            console.print(finding.format(), markup=False, highlight=False)
    for problem in report.problems:
        console.print(f"{problem} (indexed without its macros)", markup=False, highlight=False)
    if report.mode == "current":
        message = f"index is up to date ({report.articles} articles, {report.generation})"
    else:
        message = (f"{report.mode} index: {len(report.added)} added, {len(report.updated)} "
                   f"updated, {len(report.removed)} removed; {report.articles} articles in "
                   f"{seconds:.2f} s -> {report.location}")
    click.echo(message)
    raise SystemExit(EXIT_OK)
