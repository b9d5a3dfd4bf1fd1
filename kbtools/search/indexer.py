"""Build and update the search index: full rebuilds and incremental updates, both aside.

:func:`update_index` compares each article's fingerprint with the live generation's manifest,
re-renders only what changed, and publishes a new generation; readers keep using the old one
until the swap. A schema, analysis, facts or macros change rebuilds everything.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index

import kbtools.search.snapshot as snapshot
from kbtools import clock
from kbtools.errors import StateError
from kbtools.search.documents import Prepared, fingerprint, global_fingerprint, prepare
from kbtools.search.schema import build_schema, schema_key
from kbtools.search.snapshot import Snapshot
from kbtools.search.store import Generation, IndexStore, Manifest

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called while articles are rendered into documents."""

FULL, INCREMENTAL, CURRENT = "full", "incremental", "current"
WRITER_WAIT = 60.0
"""How long :func:`kbtools.search.search` waits for another writer when there is no index."""


@dataclass(frozen=True)
class IndexReport:
    """What :func:`update_index` did."""

    mode: str
    """``full`` (rebuilt), ``incremental`` (changed articles only) or ``current`` (nothing to do)."""
    articles: int
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    generation: str = ""
    location: str = ""
    problems: tuple[str, ...] = field(default=())
    """Articles whose macros failed (``path:line: message``); their raw text was indexed."""

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.removed)

    def to_dict(self) -> dict:
        return {"mode": self.mode, "articles": self.articles, "added": list(self.added),
                "updated": list(self.updated), "removed": list(self.removed),
                "generation": self.generation, "location": self.location,
                "problems": list(self.problems)}


@dataclass(frozen=True)
class _Plan:
    full: bool
    fingerprints: dict[str, str]
    global_fp: str
    schema: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def nothing_to_do(self) -> bool:
        return not (self.full or self.added or self.updated or self.removed)


def store_for(kb: KnowledgeBase) -> IndexStore:
    """The index store of ``kb`` (under ``<root>/<state_dir>``)."""
    return IndexStore(kb.root / kb.config.state_dir)


def is_current(kb: KnowledgeBase) -> bool:
    """True when a live index exists and matches the content (no lock taken)."""
    current = store_for(kb).current()
    return current is not None and _plan(kb, current, full=False).nothing_to_do


def update_index(kb: KnowledgeBase, *, progress: Progress | None = None,
                 full: bool = False, wait: float = 0.0,
                 files: Snapshot | None = None) -> IndexReport:
    """Bring the index up to date with ``kb``'s content; return what was done.

    Incremental unless ``full`` or the schema/facts changed. ``files`` is the snapshot taken
    just before ``kb`` was loaded (taken now when not given), which lets ``kb search`` skip
    loading later while nothing changes. Raises :class:`~kbtools.errors.BusyError` when
    another writer holds the lock for ``wait`` seconds, :class:`~kbtools.errors.StateError`
    (the live index untouched) when the state folder cannot be written.
    """
    store = store_for(kb)
    files = files if files is not None else snapshot.take(kb.config)
    with store.writing(wait=wait):
        try:
            return _update(kb, store, progress, full, files)
        except OSError as exc:  # a full disk, a size limit, a read-only folder
            store.discard_staging()
            raise StateError.of(exc, store.base, "update the search index",
                                kept="the previous index is unchanged") from exc


def _update(kb: KnowledgeBase, store: IndexStore, progress: Progress | None, full: bool,
            files: Snapshot) -> IndexReport:
    """:func:`update_index`, the lock held; ``OSError`` when the index cannot be written."""
    current = store.current()
    plan = _plan(kb, current, full=full)
    if plan.nothing_to_do and current is not None:
        manifest = current.manifest()
        if manifest.files != files:
            store.update_manifest(current, replace(manifest, files=files))
        return IndexReport(CURRENT, len(plan.fingerprints), generation=current.name,
                           location=str(current.path))
    if plan.full or current is None:
        staged, problems = _build_full(kb, store, plan, progress)
    else:
        staged, problems = _build_incremental(kb, store, current, plan, progress)
    manifest = Manifest(plan.schema, plan.global_fp, plan.fingerprints,
                        clock.now().isoformat(timespec="seconds"), files)
    generation = store.publish(staged, manifest)
    return IndexReport(FULL if plan.full else INCREMENTAL, len(plan.fingerprints),
                       plan.added, plan.updated, plan.removed, generation.name,
                       str(generation.path), problems)


def _plan(kb: KnowledgeBase, current: Generation | None, *, full: bool) -> _Plan:
    today = clock.today()
    fingerprints = {a.path: fingerprint(kb, a, today) for a in kb.corpus.articles}
    gfp, skey = global_fingerprint(kb), schema_key(kb.config.languages)
    manifest = current.manifest() if current else Manifest()
    if full or current is None or manifest.schema != skey or manifest.global_fp != gfp:
        return _Plan(True, fingerprints, gfp, skey, added=tuple(sorted(fingerprints)))
    old = manifest.docs
    added = tuple(sorted(p for p in fingerprints if p not in old))
    updated = tuple(sorted(p for p, fp in fingerprints.items() if p in old and old[p] != fp))
    removed = tuple(sorted(p for p in old if p not in fingerprints))
    return _Plan(False, fingerprints, gfp, skey, added, updated, removed)


def _build_full(kb: KnowledgeBase, store: IndexStore, plan: _Plan,
                progress: Progress | None) -> tuple[Path, tuple[str, ...]]:
    staged = store.staging()
    index = whoosh_index.create_in(str(staged), build_schema(kb.config.languages))
    writer = index.writer(limitmb=256)
    try:
        problems = _add(kb, writer, list(plan.fingerprints), plan, progress)
        writer.commit(optimize=True)
    except BaseException:
        _cancel(writer)
        raise
    finally:
        index.close()
    return staged, problems


def _build_incremental(kb: KnowledgeBase, store: IndexStore, current: Generation, plan: _Plan,
                       progress: Progress | None) -> tuple[Path, tuple[str, ...]]:
    staged = store.copy_of(current)
    index = whoosh_index.open_dir(str(staged))
    writer = index.writer()
    try:
        for path in plan.updated + plan.removed:
            writer.delete_by_term("path", path)
        problems = _add(kb, writer, list(plan.added + plan.updated), plan, progress)
        writer.commit()
    except BaseException:
        _cancel(writer)
        raise
    finally:
        index.close()
    return staged, problems


def _cancel(writer) -> None:
    """Drop a failed writer's work. What failed may be its own files (a full disk), so a
    second failure while closing them must not hide the first: the staging folder is
    discarded anyway."""
    with contextlib.suppress(OSError, ValueError):
        writer.cancel()


PARALLEL_FROM = 400
"""From this many articles on, documents are prepared (macros rendered, Markdown read) by
worker processes while this one indexes them: the two halves of a build then share the
machine's cores."""
_CHUNK = 64
_WORK: tuple[KnowledgeBase, dict[str, str]] | None = None
"""What forked workers prepare from: set just before the pool forks, never changed."""


def _add(kb: KnowledgeBase, writer, paths: list[str], plan: _Plan,
         progress: Progress | None) -> tuple[str, ...]:
    problems: list[str] = []
    total = len(paths)
    for done, prepared in enumerate(_prepared(kb, paths, plan.fingerprints), 1):
        writer.add_document(**prepared.fields)
        problems.extend(prepared.problems)
        if progress is not None and (done % 50 == 0 or done == total):
            progress(done, total)
    return tuple(problems)


def _prepared(kb: KnowledgeBase, paths: list[str], fingerprints: dict[str, str]):
    """Each path's document, in order: from forked worker processes for a large batch on a
    machine with more than one core, else here. Only a single-threaded process forks (a
    server's other threads may hold locks a child would wait on forever)."""
    workers = min(2, os.cpu_count() or 1)
    if (len(paths) < PARALLEL_FROM or workers < 2 or threading.active_count() > 1
            or "fork" not in mp.get_all_start_methods()):
        for path in paths:
            yield prepare(kb, kb.corpus.get(path), fingerprints[path])
        return
    global _WORK
    _WORK = (kb, fingerprints)
    chunks = [paths[i:i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"),
                                 initializer=_background) as pool:
            for batch in pool.map(_prepare_chunk, chunks):
                yield from batch
    finally:
        _WORK = None


def _background() -> None:
    """Workers yield the processor to anything interactive (a ``kb serve`` answering agents
    while ``kb index`` rebuilds)."""
    with contextlib.suppress(OSError):
        os.nice(10)


def _prepare_chunk(paths: list[str]) -> list[Prepared]:
    kb, fingerprints = _WORK
    return [prepare(kb, kb.corpus.get(path), fingerprints[path]) for path in paths]
