"""One preview: a private build of one site, rebuilt after edits, and what the last try found.

A rebuild opens the knowledge base afresh, runs ``kb check`` and builds only the previewed
site (:func:`kbtools.sites.build` swaps the finished folder in, so the last good site stays
served while a build runs or when it fails). An edit of existing articles first renders only
their languages (and the default one: a partial build, which keeps the other languages'
pages) so that the page being edited reloads soonest; :meth:`Preview.complete` then renders
every language, and the state says which languages each new site changed
(:attr:`PreviewState.changed`), so that open pages reload only when theirs did. An edit is refused, and the last good site kept,
when the build refuses it or when ``kb check`` finds an error in a file edited since the last
good build (a front matter that no longer parses leaves no page to refuse). Answer scripts and
FAQ entries edited since then are linted too; their findings are shown as warnings.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from multiprocessing.process import BaseProcess
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
    changed: Mapping[str, int] = field(default_factory=dict)
    """Language -> the generation that last changed its pages (a language missing here
    changed with every generation)."""

    def to_dict(self) -> dict:
        return {"version": self.version, "generation": self.generation,
                "building": self.building, "refused": self.refused,
                "changed": dict(self.changed),
                "findings": [{**f.to_dict(), "text": f.format()} for f in self.findings]}


@dataclass(frozen=True)
class Outcome:
    """One rebuild: whether the new site was swapped in, and the findings shown."""

    built: bool
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    kb: KnowledgeBase | None = None
    languages: frozenset[str] | None = None
    """The languages whose pages the new site rendered (None: all)."""


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
        self.behind: frozenset[str] = frozenset()
        """Languages whose pages the last (partial) build did not render: :meth:`complete`
        renders them."""
        self._completion: tuple[BaseProcess, frozenset[str]] | None = None

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
            self.cancel_completion()  # this edit's build comes first; it is started again
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
                languages = outcome.kb.config.languages
                self.behind = frozenset(languages) - (outcome.languages or frozenset(languages))
            self._set(building=False, findings=outcome.findings, refused=not outcome.built,
                      new_generation=outcome.built,
                      changed_languages=outcome.languages if outcome.built else None)
            return outcome

    def complete(self) -> Outcome | None:
        """Render the languages the last partial build left behind, and wait (None when none
        are; see :meth:`start_completion`)."""
        process = self.start_completion()
        if process is None:
            return None
        process.join()
        return self.finish_completion(process)

    def start_completion(self) -> BaseProcess | None:
        """Start rendering the languages the last partial build left behind, in a process of
        its own, so that the next edit can stop it (:meth:`rebuild` does) instead of waiting
        for it; returns that process (None when nothing is behind). Once it has ended,
        :meth:`finish_completion` records its site."""
        with self._build_lock:
            kb = self.kb
            if not self.behind or kb is None or self._pending:
                return None
            self.cancel_completion()
            process = _SPAWN.Process(target=complete_site, daemon=True, name="kb-preview-complete",
                                     args=(str(self.root), self.site.name, str(self.out_dir(kb)),
                                           os.getpid()))
            process.start()
            self._completion = (process, self.behind)
            return process

    def finish_completion(self, process: BaseProcess) -> Outcome | None:
        """Record the site ``process`` (ended) built: a new generation for the languages it
        rendered. None when it was stopped by an edit meanwhile; an outcome not built when it
        failed (the partial site stays served; the next edit tries again)."""
        with self._build_lock:
            if self._completion is None or self._completion[0] is not process:
                return None
            behind = self._completion[1]
            self._completion = None
            if process.exitcode != 0:
                return Outcome(False, (Finding(
                    "kb", 0, "preview.failed", "the other languages were not rebuilt (exit "
                    f"code {process.exitcode}); the edited languages are served"),), self.kb)
            self.behind = frozenset()
            self._set(new_generation=True, changed_languages=behind)
            return Outcome(True, self._state.findings, self.kb, behind)

    def cancel_completion(self) -> None:
        """Stop a completion under way (its half-built folder is removed by the next build)."""
        completion, self._completion = self._completion, None
        if completion is not None and completion[0].is_alive():
            completion[0].terminate()
            completion[0].join()

    def _rebuild(self, edited: frozenset[str]) -> Outcome:
        try:
            kb = open_kb(self.root)
        except KBError as exc:  # kb.yml, owners.yml ... that cannot be read
            return Outcome(False, _refusal(exc))
        try:
            checked = check(kb)
            found = checked.findings
            shown = [f for f in found if f.path in edited or (f.is_error and not edited)]
            shown.extend(_lint_warnings(kb, edited))
            if any(f.is_error and f.path in edited for f in found):
                return Outcome(False, tuple(sort_findings(shown)), kb)
            languages = self._languages_of(kb, edited)
            try:
                build(kb, (self.site.name,), out=self.out_dir(kb), languages=languages,
                      checked=checked)
            except KBError as exc:
                return Outcome(False, tuple(sort_findings({*shown, *_refusal(exc)})), kb)
            return Outcome(True, tuple(sort_findings(shown)), kb, languages)
        finally:
            kb.save_caches()

    def _languages_of(self, kb: KnowledgeBase, edited: frozenset[str]) -> frozenset[str] | None:
        """The languages a partial build renders for ``edited`` (with the default one), or
        None for a full build: the first build, settings, macros or facts, an article added
        or removed, anything but articles."""
        before = self.kb
        if before is None or not edited:
            return None
        languages = {kb.config.default_language}
        for path in edited:
            article, previous = kb.corpus.get(path), before.corpus.get(path)
            if article is None or previous is None or article.lang != previous.lang:
                return None
            languages.add(article.lang)
        if set(kb.config.languages) <= languages:
            return None
        return frozenset(languages)

    def _set(self, *, new_generation: bool = False,
             changed_languages: frozenset[str] | None = None, **changes) -> None:
        with self._lock:
            state = self._state
            generation = state.generation + new_generation
            changed = dict(state.changed)
            if new_generation:
                languages = self.kb.config.languages if self.kb is not None else ()
                for lang in changed_languages or languages:
                    changed[lang] = generation
            self._state = replace(state, version=state.version + 1, generation=generation,
                                  changed=changed, **changes)


_SPAWN = multiprocessing.get_context("spawn")
"""Completions run in a fresh interpreter: the preview process has server threads, which a
fork would copy mid-work."""


def complete_site(root: str, site: str, out: str, parent: int) -> None:
    """The completion's build (:meth:`Preview.start_completion`), in its own process, which
    ends when the preview's process (``parent``) does, however that ended (a killed build
    leaves only what the next build clears away)."""
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    build(open_kb(root), (site,), out=Path(out))


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


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
