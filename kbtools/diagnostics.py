"""Problems found in content, each with a location and a stable code (Sphinx-style), and the
one emitter that renders them for people (``text``), programs (``json``) and CI (``github``).

Library code returns findings; front-ends write what :func:`render` returns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

FORMATS = ("text", "json", "github")
"""Output formats of every command that reports findings (``--format``)."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: ``path:line[:col]: severity: message [code]``.

    ``path`` is repo-relative (posix); ``line`` is 1-based, 0 when the problem concerns the
    whole file; ``col`` is 1-based, when known; ``source`` names the article a rule came from
    (tone rules), when there is one.
    """

    path: str
    line: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    col: int | None = None
    source: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.col is not None:
            where += f":{self.col}"
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"

    def to_dict(self) -> dict:
        """The one JSON shape of a finding: path, line, code, message, severity, col, source."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def error(path: str, line: int, code: str, message: str, **kw) -> Finding:
    return Finding(path, line, code, message, Severity.ERROR, **kw)


def warning(path: str, line: int, code: str, message: str, **kw) -> Finding:
    return Finding(path, line, code, message, Severity.WARNING, **kw)


def notice(path: str, line: int, code: str, message: str, **kw) -> Finding:
    return Finding(path, line, code, message, Severity.NOTICE, **kw)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Order findings by file, then line, then code, so reports are stable."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.col or 0, f.code, f.message))


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """Return ``(errors, warnings)``; notices are neither."""
    errors = warnings = 0
    for finding in findings:
        if finding.is_error:
            errors += 1
        elif finding.severity is Severity.WARNING:
            warnings += 1
    return errors, warnings


class FindingCounts:
    """For reports that hold ``findings``: how many are errors and warnings."""

    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]


# -- the emitter -------------------------------------------------------------------------------

def render(findings: Iterable[Finding], fmt: str, *, report: dict | None = None) -> str:
    """``findings`` in ``fmt`` (one of :data:`FORMATS`), newline-terminated ("" for none in
    text and github).

    - ``text``: one ``path:line[:col]: severity: message [code]`` line each;
    - ``json``: ``report`` when the command has a richer report (it holds the findings as
      :meth:`Finding.to_dict`), else the list of findings in that shape;
    - ``github``: one GitHub Actions workflow command each (see :func:`github_command`).

    Raises :class:`ValueError` for an unknown format.
    """
    findings = list(findings)
    if fmt == "json":
        data = report if report is not None else [f.to_dict() for f in findings]
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "text":
        lines = [f.format() for f in findings]
    elif fmt == "github":
        lines = [github_command(f) for f in findings]
    else:
        raise ValueError(f"unknown format {fmt!r} (expected {', '.join(FORMATS)})")
    return "".join(line + "\n" for line in lines)


def summary(findings: Iterable[Finding], scope: str = "") -> str:
    """The count line under a list: ``2 error(s), 1 warning(s)[, 3 notice(s)][ in SCOPE]``."""
    findings = list(findings)
    errors, warnings = count(findings)
    notices = sum(f.severity is Severity.NOTICE for f in findings)
    line = f"{errors} error(s), {warnings} warning(s)"
    if notices:
        line += f", {notices} notice(s)"
    return f"{line} in {scope}" if scope else line


def github_command(finding: Finding) -> str:
    """``::error file=PATH,line=N,col=C,title=CODE::MESSAGE`` (``warning``/``notice`` by
    severity; ``line`` and ``col`` only when known)."""
    return github_annotation(finding.severity.value, finding.message, file=finding.path,
                             line=finding.line or None, col=finding.col, title=finding.code)


def github_annotation(severity: str, message: str, *, file: str | None = None,
                      line: int | None = None, col: int | None = None,
                      title: str | None = None) -> str:
    """One workflow command, escaped as GitHub's toolkit does (``%``, CR and LF everywhere;
    also ``:`` and ``,`` in properties)."""
    properties = [(k, v) for k, v in (("file", file), ("line", line), ("col", col),
                                      ("title", title)) if v not in (None, "")]
    head = ",".join(f"{k}={_escape_property(str(v))}" for k, v in properties)
    return f"::{severity}{' ' + head if head else ''}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
