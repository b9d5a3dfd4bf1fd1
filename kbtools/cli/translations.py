"""``kb translations``: freshness report, ``diff PATH`` and ``mark-current PATH...``."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from kbtools.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    emit_json,
    err_console,
    main,
    out_console,
    parse_list,
    pass_state,
)
from kbtools.translations.pins import mark_current, source_diff
from kbtools.translations.report import translation_report
from kbtools.translations.verdicts import (
    CURRENT,
    MISSING,
    ORPHANED,
    OUTDATED,
    SKIPPED,
    STATUSES,
    UNTRACKED,
)

_STYLE = {CURRENT: "green", OUTDATED: "yellow", MISSING: "red", ORPHANED: "magenta",
          UNTRACKED: "cyan", SKIPPED: "red"}


@main.group("translations", invoke_without_command=True)
@click.option("--lang", help="Only these languages (comma-separated, e.g. ru,sl).")
@click.option("--status", help=f"Only these verdicts ({','.join(STATUSES)}).")
@click.option("--owner", help="Only translations this person or team answers for.")
@click.option("--all", "every_source", is_flag=True,
              help="Expect every source to be translated, not only public or translated ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--fail-on", help="Exit 1 if any translation has one of these verdicts "
              "(e.g. outdated,missing).")
@click.option("--strict", is_flag=True, help="Outdated when the source FILE changed at all "
              "since the pinned commit (any byte, front matter and formatting included), "
              "instead of when its content changed.")
@click.pass_context
def translations_group(ctx, lang, status, owner, every_source, as_json, fail_on,
                       strict) -> None:
    """Show which translations are current, outdated, missing, orphaned or untracked, and
    which files under the content folders are skipped (no article) and why.

    Verdicts compare the source's content (translatable front matter, words, links, code)
    with the state each translation pinned; git history adds how many commits and lines an
    outdated translation is behind. "% current" is of the translations that should exist.
    """
    if ctx.invoked_subcommand is not None:
        return
    kb = ctx.obj.kb()
    langs = parse_list(lang, kb.config.translation_languages, "--lang")
    statuses = parse_list(status, STATUSES, "--status")
    failing = parse_list(fail_on, STATUSES, "--fail-on")
    report = translation_report(kb, every_source=every_source, strict=strict)
    report = report.filtered(langs, statuses, owner)
    if as_json:
        emit_json(report.to_dict())  # notes included
    else:
        _render(report)
        for note in report.notes:
            err_console().print(f"kb: note: {note}", highlight=False)
    raise SystemExit(EXIT_PROBLEMS if report.failing(failing) else EXIT_OK)


def _render(report) -> None:
    console = out_console()
    summary = report.summary()
    for lang in (*sorted({i.lang for i in report.items} - set(report.languages)),
                 *report.languages):  # skipped source-language files first
        items = [i for i in report.items if i.lang == lang]
        if lang not in summary:
            if items:
                console.print(_table(f"{lang}: {len(items)} file(s) skipped", items))
            continue
        counts = summary[lang]
        title = (f"{lang}: {counts['percent_current']}% current "
                 f"({counts['current']} of {counts['expected']} expected)")
        if items:
            console.print(_table(title, items))
    if report.history != "ok":
        err_console().print(f"git history: {report.history}; the verdicts come from content "
                            "hashes, some details could not be computed", highlight=False)


def _table(title: str, items) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("status", no_wrap=True)
    table.add_column("translation", overflow="fold", ratio=3)
    table.add_column("behind", no_wrap=True)
    table.add_column("owner", no_wrap=True)
    table.add_column("note", overflow="fold", ratio=2)
    for item in items:
        status = Text(item.status, style=_STYLE[item.status])
        if item.machine:
            status.append(" (machine)", style="dim")
        behind = "" if item.behind_commits is None else \
            f"{_plural(item.behind_commits, 'commit')}, {_plural(item.changed_lines or 0, 'line')}"
        table.add_row(status, item.path, behind, item.owner or "", item.note or "")
    return table


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@translations_group.command("diff")
@click.argument("path")
@pass_state
def diff_command(state, path: str) -> None:
    """Show what changed in PATH's source since the translation was pinned."""
    result = source_diff(state.kb(), path)
    err_console().print(f"{result.source}: {result.behind_commits} commit(s) since "
                        f"{result.commit[:10]}, pinned by {result.translation}", highlight=False)
    if not result.diff:
        err_console().print("no textual change in the source since the pin", highlight=False)
    for line in result.diff.splitlines():
        style = ("green" if line.startswith("+") else "red" if line.startswith("-")
                 else "cyan" if line.startswith("@@") else None)
        out_console().print(Text(line, style=style or ""))


@translations_group.command("mark-current")
@click.argument("paths", nargs=-1, required=True)
@pass_state
def mark_current_command(state, paths: tuple[str, ...]) -> None:
    """Re-pin translations to their source's current state, after a person updated them."""
    for pinned in mark_current(state.kb(), paths):
        commit = pinned.source_commit[:10] if pinned.source_commit else "no commit"
        extra = " (machine-draft flag cleared)" if pinned.cleared_machine else ""
        click.echo(f"{pinned.path}: pinned to {pinned.source} at {commit}, "
                   f"hash {pinned.source_hash}{extra}")
        if pinned.note:
            err_console().print(f"{pinned.path}: note: {pinned.note}", highlight=False)
