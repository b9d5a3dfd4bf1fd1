"""The exceptions kbtools raises. Only front-ends turn them into exit codes or HTTP statuses.

An error may carry ``findings`` (each problem at its ``path:line``): a settings file with three
bad keys raises once, with all three.
"""

from __future__ import annotations

from collections.abc import Iterable

from kbtools.diagnostics import Finding


class KBError(Exception):
    """Base class for every error kbtools raises on purpose.

    ``message`` says what could not be done; ``findings`` (possibly empty) say why, each at its
    location. ``str()`` gives both, one finding a line.
    """

    def __init__(self, message: str, findings: Iterable[Finding] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.findings: list[Finding] = list(findings or [])

    def __str__(self) -> str:
        return "\n".join([self.message, *(f.format() for f in self.findings)])


class ConfigError(KBError):
    """A settings file (kb.yml, owners.yml, synonyms.yml, macros data) cannot be used as it is."""

    @classmethod
    def of(cls, path: str, findings: Iterable[Finding]) -> ConfigError:
        """The error for settings file ``path`` with these problems (at least one)."""
        findings = list(findings)
        problems = "its problem is" if len(findings) == 1 else f"its {len(findings)} problems are"
        return cls(f"{path} cannot be used until {problems} fixed", findings)


class ContentError(KBError):
    """Content is too broken for the requested job (the findings say why)."""


class NotFoundError(KBError):
    """A named article, script, path or playbook does not exist."""


class UsageError(KBError):
    """The caller asked for something that cannot be done as asked (bad option values)."""


class BusyError(KBError):
    """Another process holds a resource that only one may hold (e.g. the index writer)."""


class ProviderError(KBError):
    """A translation provider failed; the message names the provider and what it said."""
