"""``kb translate PATH... --to LANGS``: machine-translated drafts."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kbtools.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    emit_json,
    err_console,
    main,
    parse_list,
    pass_state,
)
from kbtools.translations.drafts import DraftRun, provider_for, translate_articles

EXIT_INTERRUPTED = 130


@main.command("translate")
@click.argument("paths", nargs=-1, required=True)
@click.option("--to", "to", required=True, help="Target languages, comma-separated (ru,ar,fa,sl).")
@click.option("--provider", help="Provider name, overriding kb.yml's translate.provider.")
@click.option("--force", is_flag=True, help="Also replace human translations and current drafts.")
@click.option("--json", "as_json", is_flag=True, help="Print what happened to each file as JSON.")
@pass_state
def translate_command(state, paths, to, provider, force, as_json) -> None:
    """Write machine-translated drafts of PATH... (source articles), marked and pinned.

    Code, inline code, URLs, macros, link targets and admonition syntax are kept verbatim.
    Each file is written whole or not at all; an existing human translation is skipped
    unless --force.
    """
    kb = state.kb()
    langs = parse_list(to, kb.config.translation_languages, "--to")
    client = provider_for(kb, provider)
    console = err_console()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True,
                  disable=as_json or not console.is_terminal) as bar:
        task = bar.add_task(f"translating with {client.name}", total=None)
        run = translate_articles(
            kb, paths, langs, client, force,
            progress=lambda job, finished, total: bar.update(
                task, completed=finished, total=total, description=job.path))
    if as_json:
        emit_json(run.to_dict())
    else:
        _render(run)
    if run.stopped:
        raise SystemExit(EXIT_INTERRUPTED if "interrupted" in run.stopped else EXIT_PROBLEMS)
    raise SystemExit(EXIT_OK)


def _render(run: DraftRun) -> None:
    console = err_console()
    for job in run.jobs:
        message = f" ({job.message})" if job.message and job.outcome != "failed" else ""
        click.echo(f"{job.path}: {job.outcome}{message}")
    done = len(run.done)
    console.print(f"{done} draft(s) written of {len(run.jobs)}", highlight=False)
    if run.stopped:
        console.print(f"kb: error: stopped: {run.stopped}; files marked not-started or failed "
                      "are untouched, the written ones are complete", markup=False,
                      highlight=False)
