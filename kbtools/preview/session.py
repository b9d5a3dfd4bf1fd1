"""One preview: a private build of one site, rebuilt after edits, and what the last try found.

A rebuild opens the knowledge base afresh, runs ``kb check`` and builds only the previewed
site (:func:`kbtools.sites.build` swaps the finished folder in, so the last good site stays
served while a build runs or when it fails). An edit is refused, and the last good site kept,
when the build refuses it or when ``kb check`` finds an error in a file edited since the last
good build (a front matter that no longer parses leaves no page to refuse). Answer scripts and
FAQ entries edited since then are linted too; their findings are shown as warnings.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from kbtools.content.check import check
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.diagnostics import Finding, Severity, sort_findings
from kbtools.errors import KBError
from kbtools.registry import open_kb
from kbtools.scripts.lint import lint
from kbtools.sites import INTERNAL, SITES, build

PREVIEW_DIR = "preview"
"""The previews' folder in the state folder: ``.kb/preview/site``, ``.kb/preview/site-public``."""


@dataclass(frozen=True)
class PreviewState:
    """What a page of the preview shows about the build: ``version`` changes with every
    change of state, ``generation`` with every new site swapped in."""

    version: int = 0
    generation: int = 0
    building: bool = False
    findings: tuple[Finding, ...] = ()
    """The last rebuild's findings: why it was refused (errors), lint and check warnings of
    the edited files."""
    refused: bool = False
    """True when the last rebuild was refused: the site served is an older one."""

    def to_dict(self) -> dict:
        return {"version": self.version, "generation": self.generation,
                "building": self.building, "refused": self.refused,
                "findings": [{**f.to_dict(), "text": f.format()} for f in self.findings]}


@dataclass(frozen=True)
class Outcome:
    """One rebuild: whether the new site was swapped in, and the findings shown."""

    built: bool
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    kb: KnowledgeBase | None = None


class Preview:
    """The preview of ``site`` (``internal`` or ``public``) of the knowledge base at ``root``,
    built into ``<state>/preview/``. Rebuilds run one at a time; :attr:`state` may be read
    from any thread."""

    def __init__(self, root: Path | str, site: str = INTERNAL) -> None:
        self.root = Path(root)
        self.site = SITES[site]
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._state = PreviewState()
        self._pending: set[str] = set()  # files edited since the last good build
        self.kb: KnowledgeBase | None = None
        """The knowledge base of the last good build."""

    @property
    def state(self) -> PreviewState:
        return self._state

    def out_dir(self, kb: KnowledgeBase) -> Path:
        """Where the preview builds go; the site is at ``out_dir / site.out``."""
        return kb.config.path(kb.config.state_dir) / PREVIEW_DIR

    def site_dir(self, kb: KnowledgeBase) -> Path:
        """The folder served: the last good build of the site."""
        return self.out_dir(kb) / self.site.out

    def rebuild(self, changed: Iterable[str] = ()) -> Outcome:
        """Rebuild after the edits of ``changed`` (repo-relative paths; none for the first
        build). Returns what happened and keeps the last good site when the edit is refused;
        never raises for bad content (its findings are the outcome), and an unexpected error
        of the build becomes a ``preview.failed`` finding too (the preview keeps running)."""
        with self._build_lock:
            self._pending.update(changed)
            self._set(building=True)
            try:
                outcome = self._rebuild(frozenset(self._pending))
            except Exception as exc:  # a long-running preview says why, and goes on
                outcome = Outcome(False, (Finding(
                    "kb", 0, "preview.failed",
                    f"the build stopped: {type(exc).__name__}: {exc}; the last good site is "
                    "served (save again to retry)"),))
            except BaseException:
                self._set(building=False)
                raise
            if outcome.built:
                self._pending.clear()
                self.kb = outcome.kb
            self._set(building=False, findings=outcome.findings, refused=not outcome.built,
                      new_generation=outcome.built)
            return outcome

    def _rebuild(self, edited: frozenset[str]) -> Outcome:
        try:
            kb = open_kb(self.root)
        except KBError as exc:  # kb.yml, owners.yml ... that cannot be read
            return Outcome(False, _refusal(exc))
        try:
            found = check(kb).findings
            shown = [f for f in found if f.path in edited or (f.is_error and not edited)]
            shown.extend(_lint_warnings(kb, edited))
            if any(f.is_error and f.path in edited for f in found):
                return Outcome(False, tuple(sort_findings(shown)), kb)
            try:
                build(kb, (self.site.name,), out=self.out_dir(kb))
            except KBError as exc:
                return Outcome(False, tuple(sort_findings({*shown, *_refusal(exc)})), kb)
            return Outcome(True, tuple(sort_findings(shown)), kb)
        finally:
            kb.save_caches()

    def _set(self, *, new_generation: bool = False, **changes) -> None:
        with self._lock:
            state = self._state
            self._state = replace(state, version=state.version + 1,
                                  generation=state.generation + new_generation, **changes)


def _refusal(exc: KBError) -> tuple[Finding, ...]:
    """The findings of an error that stopped a rebuild (its message when it has none)."""
    if exc.findings:
        return tuple(exc.findings)
    return (Finding("kb", 0, "preview.build", exc.message),)


def _lint_warnings(kb: KnowledgeBase, edited: frozenset[str]) -> list[Finding]:
    """``kb lint`` findings of the edited answer scripts and FAQ entries, as warnings (a
    preview shows them; ``kb lint`` decides)."""
    linted = kb.kinds.linted
    paths = [p for p in sorted(edited)
             if (a := kb.corpus.get(p)) is not None and a.kind in linted]
    if not paths:
        return []
    try:
        report = lint(kb, paths)
    except KBError as exc:
        return list(_refusal(exc))
    return [replace(f, severity=Severity.WARNING) for f in report.findings
            if f.path in edited]
