"""``kb path``: an onboarding path in the terminal, and the lead's check of it."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from kbtools.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    emit,
    emit_json,
    main,
    out_console,
    output_format,
    pass_state,
)
from kbtools.errors import UsageError
from kbtools.onboarding.kind import Quiz
from kbtools.onboarding.page import format_minutes
from kbtools.onboarding.views import LEVEL_TITLES, check_path, path_view, summaries

_FLAGS = {"overdue": "overdue for review", "outdated-translation": "outdated translation",
          "missing": "missing"}


@main.command("path")
@click.argument("name", required=False)
@click.option("--check", "check_only", is_flag=True,
              help="Report the path's problems (missing or stale steps, quizzes); exit 1 if any.")
@output_format(what="the result (github: --check only)")
@pass_state
def path_command(state, name: str | None, check_only: bool, fmt: str) -> None:
    """Show the onboarding path NAME (e.g. first-weeks): stages, steps, time, checkpoints.

    Without NAME, list every path by level. With --check, print each problem as
    PATH:LINE: SEVERITY: MESSAGE [CODE] (or JSON, or GitHub annotations) and exit 1 when
    there is any (stale steps included).
    """
    if fmt == "github" and not (name and check_only):
        raise UsageError("--format github reports problems: use it with NAME --check")
    kb = state.kb()
    if name is None:
        rows = summaries(kb)
        if fmt == "json":
            emit_json([row.to_dict() for row in rows])
        else:
            _print_index(rows)
        raise SystemExit(EXIT_OK)
    if check_only:
        findings = check_path(kb, name)
        emit(findings, fmt, report={"findings": [f.to_dict() for f in findings]},
             total=f"{len(findings)} problem(s) in {name}")
        raise SystemExit(EXIT_PROBLEMS if findings else EXIT_OK)
    view = path_view(kb, name)
    if fmt == "json":
        emit_json(view.to_dict())
    else:
        _print_view(view)
    raise SystemExit(EXIT_OK)


def _print_index(rows) -> None:
    table = Table("Path", "Level", "Stages", "Steps", "Time", "Owner", box=None)
    for row in rows:
        table.add_row(row.path, LEVEL_TITLES.get(row.level or "", "-"), str(row.stages),
                      str(len(row.steps)), format_minutes(row.minutes), row.owner or "-")
    out_console().print(table if rows else "No onboarding paths in docs/onboarding/.")


def _print_view(view) -> None:
    console = out_console()
    console.print(Text(view.title, style="bold"))
    console.print(f"{view.path} · {LEVEL_TITLES.get(view.level or '', 'no level')} · "
                  f"total {format_minutes(view.minutes)}", highlight=False)
    for number, stage in enumerate(view.stages, 1):
        console.print()
        console.print(Text(f"{number}. {stage.title} ({format_minutes(stage.minutes)})",
                           style="bold"))
        table = Table("#", "Step", "Time", "", box=None, show_header=False, padding=(0, 1))
        for index, step in enumerate(stage.steps, 1):
            label = Text(step.title or step.ref)
            label.append(f"  {step.ref}", style="dim")
            if step.note:
                label.append(f"\n{step.note}", style="italic")
            flag = Text(f"! {_FLAGS[step.flag]}", style="yellow" if step.title else "red") \
                if step.flag else Text("")
            table.add_row(str(index), label, format_minutes(step.minutes), flag)
        console.print(table)
        for checkpoint in stage.checkpoints:
            console.print(_checkpoint_line(checkpoint), highlight=False)
    problems = len(view.findings)
    console.print()
    console.print(f"Total {format_minutes(view.minutes)} over {len(view.steps)} steps"
                  + (f"; {problems} problem(s): run kb path {view.path} --check" if problems
                     else ""), highlight=False)


def _checkpoint_line(checkpoint) -> Text:
    if isinstance(checkpoint, Quiz):
        text = Text("  quiz ", style="cyan")
        text.append(f"[{checkpoint.id}] {checkpoint.question} (choose {checkpoint.select} "
                    f"of {len(checkpoint.choices)})")
        return text
    text = Text("  task ", style="magenta")
    text.append(f"[{checkpoint.id}] {checkpoint.task} (signed off by {checkpoint.signoff})")
    return text
