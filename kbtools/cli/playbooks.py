"""``kb playbooks``: every escalation playbook, as a table or as JSON for other tools."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from kbtools.cli.app import EXIT_OK, emit_json, main, out_console, pass_state
from kbtools.content.durations import format_duration
from kbtools.playbooks.plan import all_playbooks, playbook_dict


@main.command("playbooks")
@click.option("--json", "as_json", is_flag=True,
              help="Print every playbook as structured data (tiers, contacts, SLA, scripts).")
@pass_state
def playbooks_command(state, as_json: bool) -> None:
    """List the escalation playbooks by priority.

    --json exports them whole for a ticketing system or a chat bot: priority and SLA,
    triggers, tiers with contact details and deadlines, the after-hours path and the
    customer messages.
    """
    books = all_playbooks(state.kb())
    if as_json:
        emit_json({"playbooks": [playbook_dict(b) for b in books]})
        raise SystemExit(EXIT_OK)
    table = Table("Priority", "Playbook", "First contact", "After hours", box=None)
    for book in books:
        first = book.tiers[0] if book.tiers else None
        after = book.after_hours
        table.add_row(
            book.priority or "-", Text.assemble(book.name, "\n", (book.title, "dim")),
            f"{first.contact.label}, {format_duration(first.within)}" if first else "-",
            f"{after.contact.label}, {format_duration(after.within)}" if after
            else "next business day")
    out_console().print(table if books else "No playbooks in playbooks/.")
    raise SystemExit(EXIT_OK)
