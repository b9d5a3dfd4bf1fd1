"""``kb escalate``: the playbook for what the agent sees, as a short step list."""

from __future__ import annotations

from datetime import datetime

import click
from rich.console import Console
from rich.text import Text

from kbtools.cli.app import EXIT_OK, emit_json, main, out_console, pass_state
from kbtools.content.durations import format_duration
from kbtools.playbooks.escalation import (
    Escalation,
    NoFit,
    PlannedStep,
    escalate,
    parse_moment,
)
from kbtools.playbooks.page import hours_label


@main.command("escalate")
@click.argument("words", nargs=-1, required=True)
@click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
              help="When it happens, in the support time zone (or ISO with an offset); "
              "default now. Chooses the business-hours or after-hours path.")
@click.option("--json", "as_json", is_flag=True, help="Print the escalation as JSON.")
@pass_state
def escalate_command(state, words: tuple[str, ...], at: str | None, as_json: bool) -> None:
    """Find the playbook for WORDS (what the agent sees) and print what to do now.

    Prints the priority and SLA, the next contact with its deadline and how to reach them,
    the customer message to send, and the steps after that. When the words are a single
    customer's question that an answer script answers better than any playbook, says that no
    playbook fits and lists the best answer scripts and articles (exit 0). Exits 2 when
    nothing matches at all.
    """
    kb = state.kb()
    escalation = escalate(kb, " ".join(words), at=parse_moment(at, kb.facts.hours))
    if as_json:
        emit_json(escalation.to_dict())
    elif isinstance(escalation, NoFit):
        _print_no_fit(out_console(), escalation)
    else:
        _print(out_console(), escalation, kb.facts.hours)
    raise SystemExit(EXIT_OK)


def _print_no_fit(console: Console, result: NoFit) -> None:
    console.print(Text("No playbook fits: this reads as a single customer's question, not an "
                       "escalation.", style="bold"))
    if result.best is not None:
        console.print(f"Closest playbook: {result.best.title} ({result.best.path}). If many "
                      "customers are affected or it is an incident, say so (\"many customers\", "
                      "\"outage\", \"at 3am\").", markup=False, highlight=False)
    if result.suggestions:
        console.print(Text("Use instead:", style="bold"))
        for item in result.suggestions:
            console.print(f"  {item.title}  ({item.kind}, {item.path})", markup=False,
                          highlight=False)


def _print(console: Console, esc: Escalation, hours) -> None:
    book = esc.playbook
    console.print(Text.assemble((book.title, "bold"), f"  ({book.path})"))
    if book.level:
        console.print(f"{book.priority} {book.level.name}: first response within "
                      f"{format_duration(book.level.first_response)}, resolution within "
                      f"{format_duration(book.level.resolution)}", markup=False, highlight=False)
    console.print(_when(esc, hours), markup=False, highlight=False)
    nxt = esc.next_step
    if nxt is None:
        console.print("This playbook has no tiers.", highlight=False)
        return
    console.print()
    console.print(Text.assemble(("Next: ", "bold"), _who(nxt, esc.at)))
    _details(console, nxt, "  ")
    later = esc.steps[1:]
    if later:
        console.print(Text("Then:", style="bold"))
        for planned in later:
            console.print(Text.assemble("  ", _who(planned, esc.at)))
    if esc.skipped:
        names = ", ".join(f"{s.number}. {s.contact.label}" for s in esc.skipped)
        console.print(f"Not reachable outside hours (covered by the after-hours contact): "
                      f"{names}", markup=False, highlight=False)
    for label, text in (("Close when", book.close_when),
                        ("De-escalate when", book.deescalate_when)):
        if text:
            console.print(Text.assemble((f"{label}: ", "bold"), text))
    if esc.alternatives:
        console.print("Other matches: " + ", ".join(m.path for m in esc.alternatives),
                      markup=False, highlight=False)


def _when(esc: Escalation, hours) -> str:
    at = f"{esc.at:%a %Y-%m-%d %H:%M %Z}"
    if esc.business_hours:
        return f"{at}: within support hours, business-hours path"
    span = f" ({hours_label(hours)})" if hours else ""
    if esc.playbook.after_hours:
        return f"{at}: outside support hours{span}, after-hours path"
    return (f"{at}: outside support hours{span}; this playbook has no after-hours path, "
            f"it starts when support opens at {esc.next_open:%a %Y-%m-%d %H:%M}")


def _who(planned: PlannedStep, start: datetime) -> Text:
    step = planned.step
    label = "after hours" if step.after_hours else f"tier {step.number}"
    deadline = planned.deadline
    due = f"{deadline:%H:%M}" if deadline.date() == start.date() else f"{deadline:%a %d %b %H:%M}"
    return Text.assemble((step.contact.label, "bold"),
                         f" ({label}) by {due}, within {format_duration(step.within)}")


def _details(console: Console, planned: PlannedStep, indent: str) -> None:
    step = planned.step
    rows = [("How" if step.after_hours else "Do", step.do)]
    reach = " · ".join(f"{how} {value}" for how, value in step.contact.reach)
    if reach:
        rows.append(("Reach", reach))
    if step.handover:
        rows.append(("Hand over", ", ".join(step.handover)))
    if step.message:
        rows.append(("Send the customer", f"{step.message.title or step.message.name} "
                     f"(kb script {step.message.name})"))
    if step.goto:
        rows.append(("Then switch to the playbook", f"{step.goto.title or step.goto.name} "
                     f"({step.goto.path or 'missing'})"))
    for label, text in rows:
        console.print(Text.assemble(indent, (f"{label}: ", "bold"), text))
