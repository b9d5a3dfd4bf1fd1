"""The ``kb`` command group and what every command shares: --root, output, exit codes.

Exit codes: 0 success, 1 the job ran and found problems (errors, or a --fail-on match),
2 the job could not run (bad settings, bad options, missing files, a busy index or build,
a state folder or output that cannot be written: one line naming the path and the cause).

Findings are written by one emitter (:func:`kbtools.diagnostics.render`) in the format of the
command's ``--format text|json|github``: a command's own findings on stdout with a count line
on stderr; findings that stopped a command (an error's ``findings``) on stderr in text, on
stdout as JSON or GitHub annotations, each time followed by ``kb: error: ...`` on stderr.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from kbtools.diagnostics import FORMATS, Finding, github_annotation, render, summary
from kbtools.errors import BusyError, ConfigError, KBError, NotFoundError, StateError, UsageError

if TYPE_CHECKING:  # the knowledge base is imported by the first command that opens one
    from kbtools.content.knowledge_base import KnowledgeBase

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2

COMMANDS: dict[str, str] = {
    "build": "Build the internal site (site/) and the public FAQ (site-public/) with MkDocs.",
    "check": "Validate every article, playbook, path and settings file.",
    "escalate": "Find the playbook for WORDS (what the agent sees) and print what to do now.",
    "export": "Export content for other tools.",
    "gaps": "Report the most frequent search queries, those that found nothing, and those "
            "whose results nobody opened, each with its scope (public or internal) and "
            "language; and the articles readers of the public site voted unhelpful (\"Was "
            "this helpful?\"), worst first.",
    "index": "Build or update the search index (under .kb/index).",
    "lint": "Check answer scripts and FAQ entries (all, or those under PATHS) against the "
            "rules in the tone guidelines (docs/tone/).",
    "path": "Show the onboarding path NAME (e.g. first-weeks): stages, steps, time, "
            "checkpoints.",
    "playbooks": "List the escalation playbooks by priority.",
    "review": "Set reviewed (and reviewed_by) in each article's front matter.",
    "script": "Print answer script NAME (e.g. refund-approved) filled in, as plain text.",
    "search": "Search the knowledge base; typos, synonyms and all languages are handled.",
    "serve": "Serve the internal site and the search API (GET /api/search) until interrupted.",
    "stale": "List overdue, unowned and broken content, grouped by owner.",
    "translate": "Write machine-translated drafts of PATH...",
    "translations": "Show which translations are current, outdated, missing, orphaned or "
                    "untracked, and which files under the content folders are skipped (no "
                    "article) and why.",
}
"""Every command (the module ``kbtools.cli.NAME`` adds it) and its short help, as its
docstring starts (tests/test_docs.py holds the two together): ``kb --help`` lists the
commands without importing any of them."""


class KBGroup(click.Group):
    """A group that turns kbtools errors into their findings (in the command's ``--format``),
    one clear ``kb: error:`` line and an exit code.

    Commands load on demand (Click's lazy-loading pattern): ``kb NAME`` imports only
    ``kbtools.cli.NAME``, so ``kb search`` does not pay for MkDocs' imports, and ``kb
    --help`` lists :data:`COMMANDS` without importing any.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(f"kbtools.cli.{name}")
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            command = loaded if loaded is not None else click.Command(name, help=COMMANDS[name])
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KBError as exc:
            report_error(exc, getattr(ctx.obj, "format", "text"))
            ctx.exit(EXIT_UNUSABLE if isinstance(exc, _UNUSABLE) else EXIT_PROBLEMS)
        finally:  # what the command derived is kept for the next run (never fails)
            if isinstance(ctx.obj, State) and ctx.obj._kb is not None:
                ctx.obj._kb.save_caches()


_UNUSABLE = (ConfigError, UsageError, NotFoundError, BusyError, StateError)


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Root of the knowledge base (the folder with docs/).")
@click.version_option(package_name="kbtools")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Tools for a markdown-first support knowledge base that lives in git."""
    ctx.obj = State(root)


class State:
    """Per-run state: the root, and the knowledge base once a command opens it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.format = "text"
        """The running command's ``--format`` (errors are reported in it too)."""
        self._kb: KnowledgeBase | None = None

    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            # imported here, not at the top: `kb --help` and commands that open no knowledge
            # base do not pay for every kind's modules (kb's start-up time)
            from kbtools.registry import open_kb
            self._kb = open_kb(self.root)
        return self._kb


pass_state = click.make_pass_decorator(State)


def out_console() -> Console:
    return Console(soft_wrap=True)


def err_console() -> Console:
    return Console(stderr=True, soft_wrap=True)


def emit_json(data: object) -> None:
    """Write ``data`` as JSON on stdout (and nothing else)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def parse_list(value: str | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Split ``a,b`` and check each against ``allowed``; raises :class:`UsageError`."""
    if not value:
        return ()
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise UsageError(f"{option}: unknown value {', '.join(unknown)} "
                         f"(expected {', '.join(allowed)})")
    return items


def output_format(*, what: str = "the findings"):
    """Add ``--format text|json|github`` and ``--json`` (the same as ``--format json``) to a
    command, which receives the choice as ``fmt``; errors it raises are reported in it too."""
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, fmt: str | None = None, as_json: bool = False, **kwargs):
            if as_json and fmt not in (None, "json"):
                raise UsageError(f"--json and --format {fmt} disagree: give one of them")
            fmt = "json" if as_json else fmt or "text"
            state = click.get_current_context().find_object(State)
            if state is not None:
                state.format = fmt
            return func(*args, fmt=fmt, **kwargs)

        wrapper = click.option(
            "--format", "fmt", type=click.Choice(FORMATS), default=None,
            help=f"Print {what} as text (default), JSON or GitHub Actions annotations.")(wrapper)
        return click.option("--json", "as_json", is_flag=True,
                            help="The same as --format json.")(wrapper)

    return decorate


def emit(findings: Iterable[Finding], fmt: str, *, report: dict | None = None,
         scope: str = "", total: str | None = None) -> None:
    """Write a command's findings in ``fmt`` on stdout (``report`` instead of the bare list
    for JSON), and in text and github a count line on stderr: ``total`` if given, else
    ``N error(s), M warning(s) in SCOPE``."""
    findings = list(findings)
    sys.stdout.write(render(findings, fmt, report=report))
    if fmt != "json":
        err_console().print(total or summary(findings, scope), highlight=False, markup=False)


def report_error(exc: KBError, fmt: str) -> None:
    """Say why a command stopped: the error's findings in ``fmt``, then ``kb: error: ...``."""
    if fmt == "text":
        sys.stderr.write(render(exc.findings, "text"))
    elif exc.findings:
        sys.stdout.write(render(exc.findings, fmt))
    elif fmt == "github":
        sys.stdout.write(github_annotation("error", exc.message, title="kb") + "\n")
    err_console().print(f"kb: error: {exc.message}", markup=False, highlight=False)
