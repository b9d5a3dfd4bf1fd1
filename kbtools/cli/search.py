"""``kb search``: ranked answers from the search index, for agents at a terminal."""

from __future__ import annotations

import html
import re

import click
from rich.text import Text

from kbtools.cli.app import (
    EXIT_OK,
    emit_json,
    err_console,
    main,
    out_console,
    parse_list,
    pass_state,
)
from kbtools.cli.index import index_progress
from kbtools.registry import DEFAULT
from kbtools.search import search_root

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _warn_unlogged(problem) -> None:
    """The answer matters more than the log: warn, never fail."""
    err_console().print(f"kb: warning: {problem.message}", markup=False, highlight=False)


@main.command("search")
@click.argument("query")
@click.option("--lang", default=None, help="Only articles in this language (e.g. ru).")
@click.option("--kind", "kinds", default=None,
              help=f"Only these kinds, comma-separated ({'|'.join(DEFAULT.names)}).")
@click.option("--public", is_flag=True, help="Search as a customer would: public articles only.")
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many results to show.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"query", "total", "results": [...]} and nothing else.')
@pass_state
def search_command(state, query: str, lang: str | None, kinds: str | None, public: bool,
                   limit: int, as_json: bool) -> None:
    """Search the knowledge base; typos, synonyms and all languages are handled.

    Builds or updates the index first when it is missing or older than the content.
    """
    with index_progress(enabled=not as_json) as progress:
        results = search_root(state.root, DEFAULT, query, lang=lang,
                              kinds=parse_list(kinds, DEFAULT.names, "--kind"), public=public,
                              limit=limit, progress=progress, log_via="cli",
                              unlogged=_warn_unlogged)
    if as_json:
        emit_json(results.to_dict())
        raise SystemExit(EXIT_OK)
    render(results)
    raise SystemExit(EXIT_OK)


def render(results) -> None:
    console = out_console()
    if results.suggestion:
        console.print(Text.assemble("did you mean: ", (results.suggestion, "bold")))
    if not results.results:
        err_console().print(f"no results for {results.query!r}", markup=False, highlight=False)
        return
    for number, hit in enumerate(results.results, 1):
        line = Text.assemble((f"{number}. ", "dim"), (hit.title, "bold"),
                             (f"  [{hit.kind} · {hit.lang}]", "cyan"))
        if hit.marker:
            line.append(f"  {hit.marker}", style="bold red")
        console.print(line)
        console.print(Text(f"   {hit.path}  {hit.url}", style="dim"))
        console.print(Text("   ").append(_snippet(hit.snippet)))
    console.print(Text(f"{len(results.results)} of {results.total} result(s)", style="dim"))


def _snippet(snippet: str) -> Text:
    text = Text()
    position = 0
    for match in _MARK.finditer(snippet):
        text.append(html.unescape(snippet[position:match.start()]))
        text.append(html.unescape(match.group(1)), style="bold yellow")
        position = match.end()
    text.append(html.unescape(snippet[position:]))
    return text
