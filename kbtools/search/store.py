"""Where the index lives on disk: generations, the CURRENT pointer, the manifest, the lock.

Layout under the state folder (``.kb/`` by default)::

    index/CURRENT          name of the live generation, replaced atomically
    index/g000007/         a complete Whoosh index plus manifest.json
    index/.build-.../      a generation being built (never read)
    index.lock             held (flock) by the one process writing

A writer builds a new generation beside the live one and publishes it by rewriting CURRENT,
so readers always find a complete index, and a crash mid-build leaves the last good one in
place. The previous generation is kept for readers still using it; older ones are removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from kbtools import atomic, locks

MANIFEST = "manifest.json"
KEEP_OLD = 1


@dataclass(frozen=True)
class Manifest:
    """What a generation was built from: schema key, global fingerprint, one per article."""

    schema: str = ""
    global_fp: str = ""
    docs: dict[str, str] = field(default_factory=dict)
    built: str = ""
    files: dict[str, list[int]] = field(default_factory=dict)
    """File stats taken before the KB was loaded (see :mod:`.snapshot`); empty if unknown."""

    def to_json(self) -> str:
        return json.dumps({"schema": self.schema, "global": self.global_fp, "built": self.built,
                           "docs": self.docs, "files": self.files},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_file(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["schema"], data["global"], dict(data["docs"]), data.get("built", ""),
                       dict(data.get("files") or {}))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()


@dataclass(frozen=True)
class Generation:
    """One complete, published index folder."""

    name: str
    path: Path

    def manifest(self) -> Manifest:
        return Manifest.from_file(self.path / MANIFEST)


class IndexStore:
    """The index folders of one knowledge base (``state_dir`` is ``<root>/.kb``)."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = Path(state_dir)
        self.base = self.state_dir / "index"
        self.pointer = self.base / "CURRENT"
        self.lock_path = self.state_dir / "index.lock"

    def current_name(self) -> str | None:
        """The live generation's name (one small read; readers call it per request)."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return name or None

    def current(self) -> Generation | None:
        name = self.current_name()
        if name is None or not (self.base / name / MANIFEST).is_file():
            return None
        return Generation(name, self.base / name)

    def writing(self, *, wait: float = 0.0) -> contextlib.AbstractContextManager[None]:
        """Hold the single-writer lock (see :mod:`kbtools.locks`); raises :class:`BusyError`
        if another writer has it after ``wait`` seconds of retrying, :class:`StateError` if
        the state folder cannot be written."""
        return locks.exclusive(self.lock_path, f"the search index at {self.base} is being "
                               "updated", wait=wait)

    def discard_staging(self) -> None:
        """Remove generations being built (call while holding the lock: then none is live)."""
        if self.base.is_dir():
            for stale in self.base.glob(".build-*"):
                shutil.rmtree(stale, ignore_errors=True)

    def staging(self) -> Path:
        """A fresh folder to build a generation in (call while holding the lock)."""
        self.base.mkdir(parents=True, exist_ok=True)
        self.discard_staging()
        staged = self.base / f".build-{os.getpid()}-{time.monotonic_ns()}"
        staged.mkdir()
        return staged

    def copy_of(self, generation: Generation) -> Path:
        """A staging folder holding a copy of ``generation`` (for an incremental update).

        Files are hard-linked where the file system allows: Whoosh never rewrites a file it
        has written (new segments and a new TOC get new names; deletions live in the TOC), so
        sharing them with the live generation is safe and makes the copy nearly free.
        """
        staged = self.staging()
        for item in generation.path.iterdir():
            if not item.is_file() or item.name.endswith(".lock") or item.name == MANIFEST:
                continue
            try:
                os.link(item, staged / item.name)
            except OSError:
                shutil.copy2(item, staged / item.name)
        return staged

    def publish(self, staged: Path, manifest: Manifest) -> Generation:
        """Make ``staged`` the live generation: manifest, rename, then swap CURRENT."""
        atomic.write_text(staged / MANIFEST, manifest.to_json())
        name = f"g{self._next_number():06d}"
        target = self.base / name
        os.replace(staged, target)
        try:
            atomic.write_text(self.pointer, name + "\n")
        except OSError:
            shutil.rmtree(target, ignore_errors=True)  # never live: CURRENT names the old one
            raise
        self._remove_old(name)
        return Generation(name, target)

    def update_manifest(self, generation: Generation, manifest: Manifest) -> None:
        atomic.write_text(generation.path / MANIFEST, manifest.to_json())

    def _generations(self) -> list[str]:
        if not self.base.is_dir():
            return []
        return sorted(p.name for p in self.base.iterdir()
                      if p.is_dir() and p.name.startswith("g") and p.name[1:].isdigit())

    def _next_number(self) -> int:
        names = self._generations()
        return int(names[-1][1:]) + 1 if names else 1

    def _remove_old(self, live: str) -> None:
        older = [name for name in self._generations() if name < live]
        for name in older[: max(0, len(older) - KEEP_OLD)]:
            shutil.rmtree(self.base / name, ignore_errors=True)
