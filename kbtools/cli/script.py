"""``kb script``: an answer script filled in, ready to paste (or on the clipboard)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import click
from rich.table import Table

from kbtools.cli.app import (
    EXIT_OK,
    EXIT_UNUSABLE,
    emit_json,
    err_console,
    main,
    out_console,
    pass_state,
)
from kbtools.errors import UsageError
from kbtools.scripts.replies import list_scripts, render_script


@main.command("script")
@click.argument("name", required=False)
@click.option("--lang", help="Language of the reply (a translation), e.g. ru.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="A placeholder value; repeat for each. Values are inserted as plain text.")
@click.option("--copy", is_flag=True, help="Also put the reply on the clipboard "
              "(wl-copy, xclip, xsel or pbcopy); exit 2 if there is no clipboard.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def script_command(state, name: str | None, lang: str | None, variables: tuple[str, ...],
                   copy: bool, as_json: bool) -> None:
    """Print answer script NAME (e.g. refund-approved) filled in, as plain text.

    A placeholder without a fallback must be given with --var; an unknown --var is an error.
    Without NAME, list the scripts with their channel, situation and placeholders.
    """
    kb = state.kb()
    if name is None:
        _print_list(list_scripts(kb, lang), as_json)
        raise SystemExit(EXIT_OK)
    reply = render_script(kb, name, lang=lang, variables=_parse_vars(variables))
    if as_json:
        emit_json(reply.to_dict())
    else:
        sys.stdout.write(reply.text)
        for placeholder in reply.fallbacks:
            err_console().print(f"note: {placeholder} not given; used its fallback",
                                highlight=False)
    if copy:
        problem = copy_to_clipboard(reply.text)
        if problem:
            err_console().print(f"kb: error: not copied: {problem}", highlight=False)
            raise SystemExit(EXIT_UNUSABLE)
        err_console().print("Copied the reply to the clipboard.", highlight=False)
    raise SystemExit(EXIT_OK)


def _parse_vars(items: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--var {item!r}: expected NAME=VALUE, e.g. --var amount=\"EUR 29.00\"")
        if key in values:
            raise UsageError(f"--var {key} is given twice")
        values[key] = value
    return values


def _print_list(scripts, as_json: bool) -> None:
    if as_json:
        emit_json([{"name": s.article.name, "path": s.article.path, "lang": s.article.lang,
                    "title": s.article.title, "channel": s.channel, "situation": s.situation,
                    "tone": s.tone, "placeholders": {
                        n: {"description": p.description, "fallback": p.fallback}
                        for n, p in s.placeholders.items()}} for s in scripts])
        return
    table = Table("Script", "Channel", "Situation", "Tone", "Placeholders (* required)", box=None)
    for s in scripts:
        table.add_row(s.article.name, s.channel or "-", s.situation or "-", s.tone or "-",
                      " ".join(n + ("*" if p.required else "") for n, p in s.placeholders.items()))
    out_console().print(table if scripts else "No answer scripts in that language.")


def _clipboard_commands() -> list[list[str]]:
    commands = []
    if os.environ.get("WAYLAND_DISPLAY"):
        commands.append(["wl-copy"])
    if os.environ.get("DISPLAY"):
        commands += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    if sys.platform == "darwin":
        commands.append(["pbcopy"])
    return commands


def copy_to_clipboard(text: str) -> str | None:
    """Put ``text`` on the clipboard; return why not, or None when it worked."""
    tried = []
    for command in _clipboard_commands():
        if shutil.which(command[0]) is None:
            tried.append(f"{command[0]} is not installed")
            continue
        try:
            result = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,
                                    timeout=5)
        except (OSError, subprocess.TimeoutExpired) as exc:
            tried.append(f"{command[0]} failed: {exc}")
            continue
        if result.returncode == 0:
            return None
        tried.append(f"{command[0]} failed: {result.stderr.decode(errors='replace').strip()}")
    if not tried:
        return ("no clipboard here (no desktop session: DISPLAY and WAYLAND_DISPLAY are unset); "
                "copy the reply printed above")
    return "; ".join(tried) + ". Install wl-clipboard, xclip or xsel, or copy the reply above"
