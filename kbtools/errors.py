"""The exceptions kbtools raises. Only front-ends turn them into exit codes or HTTP statuses."""

from __future__ import annotations


class KBError(Exception):
    """Base class for every error kbtools raises on purpose."""


class ConfigError(KBError):
    """A settings file (kb.yml, owners.yml, macros data) cannot be used as it is."""


class ContentError(KBError):
    """Content is too broken for the requested job (the findings say why)."""

    def __init__(self, message: str, findings: list | None = None) -> None:
        super().__init__(message)
        self.findings = list(findings or [])


class NotFoundError(KBError):
    """A named article, script, path or playbook does not exist."""


class UsageError(KBError):
    """The caller asked for something that cannot be done as asked (bad option values)."""


class BusyError(KBError):
    """Another process holds a resource that only one may hold (e.g. the index writer)."""


class ProviderError(KBError):
    """A translation provider failed; the message names the provider and what it said."""
