"""The exceptions kbtools raises. Only front-ends turn them into exit codes or HTTP statuses.

An error may carry ``findings`` (each problem at its ``path:line``): a settings file with three
bad keys raises once, with all three.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from pathlib import Path

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


class StateError(KBError):
    """A file or folder kbtools writes (``.kb/``, the index, a site, the query log) could not be
    written: ``path`` names it, the one-line message says the cause, how to fix it, and what
    was kept as it was."""

    def __init__(self, message: str, path: Path | str) -> None:
        super().__init__(message)
        self.path = str(path)

    @classmethod
    def of(cls, exc: OSError, path: Path | str, doing: str, kept: str = "") -> StateError:
        """The error for ``exc``, met while ``doing`` (e.g. "update the search index") at
        ``path``; the file the system names, if any, is named instead (for a copy or a
        rename, the one written to)."""
        where = exc.filename2 or exc.filename or path
        name = errno.errorcode.get(exc.errno or 0)
        cause = exc.strerror or str(exc) or type(exc).__name__
        cause += f" [{name}]" if name else ""
        hint = _HINTS.get(exc.errno or 0)
        message = f"cannot {doing}: {where}: {cause}"
        return cls(message + (f" ({hint})" if hint else "") + (f"; {kept}" if kept else ""),
                   where)


_HINTS = {
    errno.EFBIG: "a file-size limit stopped the write: see `ulimit -f`",
    errno.ENOSPC: "the disk is full: free some space",
    errno.EDQUOT: "the disk quota is used up: free some space",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "no permission: make it writable for this user",
    errno.EPERM: "not permitted: make it writable for this user",
    errno.ENOTDIR: "a file is where a folder is expected: move it away",
    errno.EEXIST: "a file is where a folder is expected: move it away",
}


class ProviderError(KBError):
    """A translation provider failed; the message names the provider and what it said."""
