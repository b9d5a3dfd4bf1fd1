"""Watching a knowledge base's sources with ``watchfiles`` and rebuilding its preview.

Content folders are watched recursively, the root only for its settings files (watching the
whole root would watch ``.venv/``, ``.git/`` and the preview's own output too). Changes are
grouped by ``watchfiles`` (a burst of saves is one change set) and by the rebuild loop (what
arrives while a build runs is built next, once). After a partial rebuild (the edited
languages first) the loop completes the site when no newer edit waits.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

from kbtools.content.config import CONFIG_FILE, load_config
from kbtools.errors import KBError
from kbtools.preview.session import Outcome, Preview

MKDOCS_FILE = "mkdocs.yml"
STEP_MS = 50
"""How long ``watchfiles`` waits for more changes before it reports a set."""


def watched(root: Path) -> tuple[tuple[Path, ...], frozenset[str]]:
    """The folders to watch under ``root`` (``docs/``, ``playbooks/``, ``macros/`` and the
    configured content folders, those that exist) and the names of the settings files at
    the root (``kb.yml``, ``owners.yml``, ``synonyms.yml``, ``mkdocs.yml``)."""
    folders = ["docs", "playbooks", "macros"]
    files = {CONFIG_FILE, "owners.yml", "synonyms.yml", MKDOCS_FILE}
    try:
        config = load_config(root)
    except KBError:
        config = None  # a broken kb.yml: the defaults are watched, and kb.yml itself
    if config is not None:
        folders += [r.strip("/").split("/")[0] for r in config.content_roots]
        folders += [config.facts_dir.split("/")[0], config.macros_module.split("/")[0]]
        files |= {config.owners_file, config.synonyms_file}
    found = tuple(root / name for name in dict.fromkeys(folders) if (root / name).is_dir())
    return found, frozenset(files)


class Watcher:
    """Rebuilds ``preview`` after each set of changes under its root, in a thread of its own;
    ``report(outcome, changed)`` is called after each rebuild (from that thread)."""

    def __init__(self, preview: Preview,
                 report: Callable[[Outcome, list[str]], None] | None = None) -> None:
        self.preview = preview
        self.root = preview.root.resolve()
        self.report = report
        self._stop = threading.Event()
        self._changes: queue.Queue[list[str]] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start watching and rebuilding (returns at once)."""
        folders, names = watched(self.root)
        watches = [(folders, True, None)] if folders else []
        watches.append(((self.root,), False, names))
        for paths, recursive, only in watches:
            self._spawn(self._watch, paths, recursive, only)
        self._spawn(self._rebuild_loop)

    def stop(self) -> None:
        """Stop watching; a rebuild under way finishes first."""
        self._stop.set()
        self._changes.put([])
        for thread in self._threads:
            thread.join(timeout=10)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True,
                                  name=f"kb-preview-{len(self._threads)}")
        thread.start()
        self._threads.append(thread)

    def _watch(self, paths: Iterable[Path], recursive: bool, only: frozenset[str] | None) -> None:
        for changes in watchfiles.watch(*paths, recursive=recursive, step=STEP_MS,
                                        stop_event=self._stop, raise_interrupt=False):
            changed = sorted({self._relative(path) for _, path in changes})
            if only is not None:
                changed = [p for p in changed if p in only]
            if changed:
                self._changes.put(changed)

    def _relative(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def _rebuild_loop(self) -> None:
        completion = None  # the process rendering what the last edit left behind
        while not self._stop.is_set():
            try:
                changed = set(self._changes.get(timeout=0.05 if completion else None))
            except queue.Empty:
                if not completion.is_alive():
                    finished = self.preview.finish_completion(completion)
                    completion = None
                    if finished is not None and self.report is not None:
                        self.report(finished, [])
                continue
            while not self._changes.empty():  # what came in meanwhile is built in one go
                changed.update(self._changes.get_nowait())
            if self._stop.is_set() or not changed:
                continue
            outcome = self.preview.rebuild(sorted(changed))  # stops a completion under way
            completion = None
            if self.report is not None:
                self.report(outcome, sorted(changed))
            if self._changes.empty():  # no newer edit waits: render what the edit left behind
                completion = self.preview.start_completion()
        self.preview.cancel_completion()
