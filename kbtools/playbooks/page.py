"""Playbooks on the internal site: the flowchart (Mermaid), the page and the index page.

:func:`render_page` is the ``playbook`` kind renderer and :func:`index_pages` a generated-page
provider (both registered in :mod:`kbtools.pages`). The flowchart is Mermaid source in a
```` ```mermaid ```` fence, which Material draws as an SVG in the browser.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from itertools import pairwise

from kbtools.content.durations import format_duration
from kbtools.content.facts import DAYS, SupportHours
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.content.pages import GeneratedPage
from kbtools.playbooks.plan import Playbook, Ref, Step, all_playbooks, load_playbook
from kbtools.sites.site import site_path

INDEX_PATH = "playbooks/index.md"
_H1 = re.compile(r"\A\s*#\s+[^\n]*\n")


# -- the flowchart -------------------------------------------------------------------------
def mermaid(book: Playbook, hours: SupportHours | None) -> str:
    """Mermaid flowchart source: the tiers in order, the support-hours decision (when support
    hours are declared) and the after-hours branch (dotted where it leaves the tier chain),
    hand-overs to other playbooks, and the close node. Deterministic for a given playbook."""
    lines = ["flowchart TD", f"    start([{_label(*_headline(book))}])"]
    tiers = {s.number: f"t{s.number}" for s in book.tiers}
    first = tiers[book.tiers[0].number] if book.tiers else "done"
    if hours is None:
        lines.append(f"    start --> {first}")
    else:
        lines.append(f"    start --> open{{{_label('Support open?')}}}")
        lines.append(f"    open -->|yes| {first}")
    for step in book.tiers:
        lines.append(f"    {tiers[step.number]}[{_label(*_step_lines(step))}]")
    chain = [tiers[s.number] for s in book.tiers] + ["done"]
    business = list(pairwise(chain))
    lines += [f"    {a} --> {b}" for a, b in business]
    lines += _after_hours_lines(book, hours, tiers, set(business))
    for step in book.tiers:
        if step.goto:
            node = f"g{step.number}"
            lines.append(f"    {tiers[step.number]} -.->|hand over| "
                         f"{node}[[{_label('Playbook: ' + (step.goto.title or step.goto.name))}]]")
    lines.append(f"    done([{_label('Close or de-escalate')}])")
    return "\n".join(lines) + "\n"


def _after_hours_lines(book: Playbook, hours: SupportHours | None, tiers: dict[int, str],
                       business: set[tuple[str, str]]) -> list[str]:
    """The "no" branch: the after-hours contact, then the tiers reachable outside business
    hours (dotted where the path leaves the business-hours chain); or a wait for opening."""
    if hours is None:
        return []
    if book.after_hours is None:
        first = tiers[book.tiers[0].number] if book.tiers else "done"
        return [f"    open -->|no| wait[{_label('Wait for the next opening')}]",
                f"    wait --> {first}"]
    lines = [f"    open -->|no| ah[{_label(*_step_lines(book.after_hours))}]"]
    path = ["ah"] + [tiers[s.number] for s in book.tiers if s.contact.after_hours] + ["done"]
    lines += [f"    {a} -.-> {b}" for a, b in pairwise(path) if (a, b) not in business]
    return lines


def _headline(book: Playbook) -> list[str]:
    if book.level is None:
        return [book.title]
    return [book.title, f"{book.priority} {book.level.name}"]


def _step_lines(step: Step) -> list[str]:
    who = step.contact.label
    head = f"{step.number}. {who}" if step.number else f"After hours: {who}"
    lines = [head, f"within {format_duration(step.within)}"]
    if step.message:
        lines.append(f"send: {step.message.title or step.message.name}")
    return lines


def _label(*parts: str) -> str:
    """A quoted Mermaid label; ``<br/>`` separates lines, other markup is escaped."""
    return '"' + "<br/>".join(_escape(p) for p in parts) + '"'


def _escape(text: str) -> str:
    text = text.replace("#", "#35;")
    return (text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\n", " "))


def hours_label(hours: SupportHours) -> str:
    """``Mon-Fri 08:00-20:00 Europe/Ljubljana``."""
    indexes = sorted(DAYS.index(d) for d in hours.days)
    names = [DAYS[i].capitalize() for i in indexes]
    contiguous = indexes == list(range(indexes[0], indexes[-1] + 1)) if indexes else False
    days = f"{names[0]}-{names[-1]}" if contiguous and len(names) > 2 else ", ".join(names)
    return (f"{days} {hours.open.strftime('%H:%M')}-{hours.close.strftime('%H:%M')} "
            f"{hours.timezone}")


# -- the page ------------------------------------------------------------------------------
def render_page(kb: KnowledgeBase, article: Article, body: str) -> str:
    """The playbook page body: the author's H1, a summary, the flowchart, the step list with
    contact details, closing conditions, then the author's prose."""
    source = kb.corpus.get(article.source) if article.is_translation else article
    if source is None or source.details is None:
        return body
    book = load_playbook(kb, source)
    match = _H1.match(body)
    head, rest = (body[:match.end()], body[match.end():]) if match else ("", body)
    here = site_path(article.source or article.path)
    parts = [head.strip("\n"), _summary(book, kb.facts.hours), "## Escalation flow",
             f"```mermaid\n{mermaid(book, kb.facts.hours)}```", "## Steps",
             *(_step_md(s, here) for s in book.tiers)]
    if book.after_hours:
        parts.append(_step_md(book.after_hours, here, kb.facts.hours))
    parts.append(_closing(book))
    parts.append(rest.strip("\n"))
    return "\n\n".join(p for p in parts if p) + "\n"


def _summary(book: Playbook, hours: SupportHours | None) -> str:
    if book.level is None:
        title = f"Priority {book.priority or 'not set'}"
    else:
        title = (f"{book.priority} {book.level.name}: first response within "
                 f"{format_duration(book.level.first_response)}, resolution within "
                 f"{format_duration(book.level.resolution)}")
    kind = "danger" if book.priority in ("P1",) else "warning"
    triggers = "; ".join(f"“{_md(t)}”" for t in book.triggers) or "none listed"
    text = f'!!! {kind} "{_quoted(title)}"\n    **When the agent sees:** {triggers}'
    if hours:
        text += f"\n\n    **Support hours:** {_md(hours_label(hours))}"
    return text


def _step_md(step: Step, here: str, hours: SupportHours | None = None) -> str:
    within = format_duration(step.within)
    if step.after_hours:
        when = f" ({hours_label(hours)})" if hours else ""
        lines = [f"### Outside support hours{_md(when)}", "",
                 f"**{_md(step.contact.label)}**, within {within}.", "",
                 f"- **How:** {_md(step.do)}"]
    else:
        lines = [f"### {step.number}. {_md(step.contact.label)} (within {within})", "",
                 f"- **Do:** {_md(step.do)}"]
    if step.handover:
        lines.append(f"- **Hand over:** {_md(', '.join(step.handover))}")
    if step.message:
        lines.append(f"- **Send the customer:** {_link(step.message, here)}")
    lines.append(f"- **Reach:** {_reach(step)}")
    if step.goto:
        lines.append(f"- **Then hand over to the playbook:** {_link(step.goto, here)}")
    return "\n".join(lines)


def _reach(step: Step) -> str:
    contact = step.contact
    if contact.name is None:
        return f"`{contact.key}` is not in the shared contacts"
    ways = [f"{how} `{value}`" for how, value in contact.reach]
    if contact.hours:
        ways.append(f"hours: {contact.hours}")
    return " · ".join(ways) or "no details in the shared contacts"


def _link(ref: Ref, here: str) -> str:
    title = _md(ref.title or ref.name)
    if ref.path is None:
        return f"{title} (missing)"
    target = posixpath.relpath(site_path(ref.path), posixpath.dirname(here) or ".")
    return f"[{title}]({target})"


def _closing(book: Playbook) -> str:
    lines = ["## Close or de-escalate", ""]
    if book.close_when:
        lines.append(f"- **Close when:** {_md(book.close_when)}")
    if book.deescalate_when:
        lines.append(f"- **De-escalate when:** {_md(book.deescalate_when)}")
    return "\n".join(lines) if len(lines) > 2 else ""


def _md(text: str) -> str:
    """Text safe inside markdown: no HTML, no accidental emphasis or links."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("[", "\\[").replace("]", "\\]").replace("*", "\\*").replace("_", "\\_"))


def _quoted(text: str) -> str:
    return _md(text).replace('"', "&quot;")


# -- the index page ------------------------------------------------------------------------
def index_pages(kb: KnowledgeBase) -> list[GeneratedPage]:
    """``playbooks/index.md``: every playbook by priority, with its triggers and first step."""
    books = all_playbooks(kb)
    if not books:
        return []
    return [GeneratedPage(INDEX_PATH, "Escalation playbooks", index_markdown(kb, books))]


def index_markdown(kb: KnowledgeBase, books: Iterable[Playbook]) -> str:
    by_priority: dict[str, list[Playbook]] = {}
    for book in books:
        by_priority.setdefault(book.priority or "no priority", []).append(book)
    lines = ["# Escalation playbooks", "",
             "Find the playbook that matches what you see, or ask the terminal: "
             "`kb escalate \"what the customer reports\"`."]
    for priority, group in by_priority.items():
        level = kb.facts.service_levels.get(priority)
        heading = f"{priority} {level.name}" if level else priority
        lines += ["", f"## {_md(heading)}", ""]
        if level:
            lines += [f"First response within {format_duration(level.first_response)}, "
                      f"resolution within {format_duration(level.resolution)}.", ""]
        lines += ["| Playbook | When the agent sees | First contact | After hours |",
                  "|---|---|---|---|"]
        lines += [_index_row(book) for book in group]
    return "\n".join(lines) + "\n"


def _index_row(book: Playbook) -> str:
    link = f"[{_md(book.title)}]({posixpath.basename(book.path)})"
    triggers = _cell("; ".join(book.triggers[:3]) + ("; ..." if len(book.triggers) > 3 else ""))
    first = book.tiers[0] if book.tiers else None
    first_text = (f"{_cell(first.contact.label)}, {format_duration(first.within)}"
                  if first else "none")
    after = book.after_hours
    after_text = (f"{_cell(after.contact.label)}, {format_duration(after.within)}"
                  if after else "next business day")
    return f"| {link} | {triggers} | {first_text} | {after_text} |"


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")
