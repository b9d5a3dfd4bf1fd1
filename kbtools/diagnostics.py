"""Problems found in content, each with a location and a stable code (Sphinx-style)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: ``path:line[:col]: severity: message [code]``.

    ``path`` is repo-relative (posix); ``line`` is 1-based, 0 when the problem concerns the
    whole file; ``source`` names the article a rule came from (tone rules), when there is one.
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
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def error(path: str, line: int, code: str, message: str, **kw) -> Finding:
    return Finding(path, line, code, message, Severity.ERROR, **kw)


def warning(path: str, line: int, code: str, message: str, **kw) -> Finding:
    return Finding(path, line, code, message, Severity.WARNING, **kw)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Order findings by file, then line, then code, so reports are stable."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.col or 0, f.code, f.message))


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """Return ``(errors, warnings)``."""
    errors = warnings = 0
    for finding in findings:
        if finding.is_error:
            errors += 1
        else:
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
