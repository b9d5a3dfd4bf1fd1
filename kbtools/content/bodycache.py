"""What is derived from each article body and costs a parse (links, headings and ids; macro
scans), kept between runs and keyed by a hash of the body, for the use cases that read every
body on every run (``kb stale``, ``kb check``, the sites' links). It lives beside the corpus
cache (:mod:`kbtools.content.cache`) in the git-ignored state folder; a missing, corrupt or
unwritable file only costs time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kbtools import atomic
from kbtools.content.cache import code_digest
from kbtools.content.config import Config
from kbtools.content.macros import ENGINE as MACROS_ENGINE
from kbtools.content.macros import Macros, MacroScan
from kbtools.content.markdown import ENGINE as MARKDOWN_ENGINE
from kbtools.content.markdown import Heading, Link, Outline, outline

BODY_FORMAT = 1
BODIES_FILE = "bodies.pickle"
_OUTLINE = "outline"
_WHOLE = "derived"
"""Parts ``(_WHOLE, name)`` hold what is derived from the whole knowledge base (one entry
each, see :meth:`BodyCache.derived`), kept as they are when bodies go."""


def _is_whole(part: Any) -> bool:
    return isinstance(part, tuple) and part[0] == _WHOLE


def body_digest(body: str) -> bytes:
    """The key of a body's entries: a hash of its exact text."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).digest()[:16]


def body_cache_file(config: Config) -> Path:
    """Where a knowledge base's :class:`BodyCache` is kept."""
    return config.root / config.state_dir / "cache" / BODIES_FILE


class BodyCache:
    """What is derived from one body and costs a parse, kept between runs: its
    :class:`~kbtools.content.markdown.Outline` (links, headings, ids) and its
    :class:`~kbtools.content.macros.MacroScan`.

    Entries are keyed by a hash of the body (and its first line, which an outline's lines
    count from): an edited body has a new key, so an entry is never out of date, only
    unused. The file ``file`` (None: kept for this run only) is read on first use; it is
    ignored when it is corrupt or was written by other code or libraries. :meth:`save`
    rewrites it atomically when this run added entries or bodies are gone, and keeps quiet
    when it cannot. Safe to share between threads.

    Entries are kept packed (plain values, marshalled) and unpacked on each use, never
    kept unpacked: the file loads fast, and a run that reads every body leaves no
    long-lived objects for the garbage collector to walk again and again.
    """

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._lock = threading.Lock()
        self._stored: dict[Any, dict[bytes, bytes]] | None = None  # part -> key -> packed
        self._fingerprint = ""
        self._added = 0
        self._digests: dict[str, bytes] = {}  # this run's bodies

    # -- what callers ask for

    def outline(self, body: str, first_line: int = 1) -> Outline:
        """``markdown.outline(body, first_line)``, from the cache when it has it."""
        packed = self._packed(_OUTLINE, body, first_line)
        return self._read_outline(body, first_line) if packed is None else _unpack_outline(packed)

    def links(self, body: str, first_line: int = 1) -> tuple[Link, ...]:
        """``self.outline(body, first_line).links`` (the rest is not unpacked)."""
        packed = self._packed(_OUTLINE, body, first_line)
        if packed is None:
            return self._read_outline(body, first_line).links
        return tuple(Link(*link) for link in packed[1])

    def ids(self, body: str, first_line: int = 1) -> frozenset[str]:
        """``self.outline(body, first_line).ids`` (the rest is not unpacked)."""
        packed = self._packed(_OUTLINE, body, first_line)
        return self._read_outline(body, first_line).ids if packed is None else frozenset(packed[2])

    def macro_scan(self, macros: Macros, body: str) -> MacroScan:
        """``macros.scan(body)``, from the cache when it has it (scans depend only on the
        sandbox's syntax, so every sandbox of a knowledge base shares them)."""
        part = ("macros", macros.syntax)
        packed = self._packed(part, body, 0)  # 0: a scan's lines count from the body's first
        if packed is not None:
            error, stored, uses = packed
            return MacroScan(error, frozenset(stored), uses)
        scan = macros.scan(body)
        self._store(part, body, 0, (scan.error, tuple(scan.stored), scan.uses))
        return scan

    def key(self, body: str, first_line: int = 1) -> bytes:
        """The key of ``body`` (read from file line ``first_line``): a digest of both, the
        same for the same text (what :meth:`derived` keys can be made of)."""
        return self._key(body, first_line)

    def derived(self, name: str, key: bytes) -> Any:
        """What :meth:`keep_derived` kept as ``name`` for ``key`` (a digest of everything
        it was derived from), or None. One value is kept per name: the last run's."""
        packed = self._load().get((_WHOLE, name), {}).get(key)
        if packed is None:
            return None
        try:
            return marshal.loads(packed)
        except (EOFError, TypeError, ValueError):
            return None

    def keep_derived(self, name: str, key: bytes, values: Any) -> None:
        """Keep ``values`` (plain values marshal can write) as ``name`` for ``key``, in
        place of what was kept as ``name`` before."""
        try:
            packed = marshal.dumps(values)
        except ValueError:
            return
        stored = self._load()
        with self._lock:
            stored[(_WHOLE, name)] = {key: packed}
            self._added += 1

    def read_outlines(self, bodies: Iterable[tuple[str, int]]) -> int:
        """Parse the outlines of ``bodies`` (``(body, first line)`` pairs) this cache does
        not hold yet, so later :meth:`outline`, :meth:`links` and :meth:`ids` calls parse
        nothing (see :meth:`start_outlines`). Returns how many were parsed."""
        return self.start_outlines(bodies)()

    def start_outlines(self, bodies: Iterable[tuple[str, int]], *,
                       scans: tuple[Macros, Iterable[str]] | None = None) -> Callable[[], int]:
        """Start parsing the outlines of ``bodies`` this cache does not hold yet and return
        the function that waits for them and returns how many were parsed (call it before
        asking for them; the caller can do other work meanwhile). A large batch is parsed
        by forked worker processes (see :func:`_fork_pool`), else by the returned function,
        here. With ``scans`` (a sandbox and texts), those texts' macros are scanned too
        (:meth:`macro_scan` then finds them)."""
        held = self._load().get(_OUTLINE, {})
        missing: dict[bytes, tuple[str, int]] = {}
        for body, first_line in bodies:
            key = self._key(body, first_line)
            if key not in held:
                missing[key] = (body, first_line)
        macros, texts = scans if scans is not None else (None, ())
        part = ("macros", macros.syntax) if macros is not None else None
        scanned = self._load().get(part, {}) if part is not None else {}
        unscanned = {}
        for text in texts:
            key = self._key(text, 0)
            if key not in scanned:
                unscanned[key] = text
        pool = _fork_pool() if len(missing) + len(unscanned) >= PARALLEL_FROM else None
        if pool is None:
            def parse_here() -> int:
                for body, first_line in missing.values():
                    self._read_outline(body, first_line)
                for text in unscanned.values():
                    self.macro_scan(macros, text)
                return len(missing)
            return parse_here
        global _WORK, _SCANNER
        _WORK = work = [*missing.values(), *((text, None) for text in unscanned.values())]
        _SCANNER = macros
        size = -(-len(work) // (_WORKERS * 4))  # a few chunks per worker: even finish times
        chunks = [(start, min(start + size, len(work))) for start in range(0, len(work), size)]
        results = pool.map(_pack_outlines, chunks)  # the workers fork and start now

        def wait() -> int:
            global _WORK, _SCANNER
            try:
                packed = [p for chunk in results for p in chunk]
            finally:
                pool.shutdown()
                _WORK = _SCANNER = None
            stored = self._load()
            with self._lock:
                entries = stored.setdefault(_OUTLINE, {})
                for key, value in zip(missing, packed[:len(missing)], strict=True):
                    entries[key] = value
                if unscanned:
                    entries = stored.setdefault(part, {})
                    for key, value in zip(unscanned, packed[len(missing):], strict=True):
                        if value is not None:
                            entries[key] = value
                self._added += len(packed)
            return len(missing)
        return wait

    def _read_outline(self, body: str, first_line: int) -> Outline:
        found = outline(body, first_line)
        self._store(_OUTLINE, body, first_line, _outline_values(found))
        return found

    # -- the store: by part, ``{key of (body, first line): marshalled plain values}``

    def _packed(self, part: Any, body: str, first_line: int) -> Any:
        """The plain values kept for ``body`` in ``part``, or None."""
        entries = self._load().get(part)
        packed = None if entries is None else entries.get(self._key(body, first_line))
        if packed is None:
            return None
        try:
            return marshal.loads(packed)
        except (EOFError, TypeError, ValueError):  # a damaged entry: read the body again
            return None

    def _store(self, part: Any, body: str, first_line: int, values: tuple) -> None:
        try:
            packed = marshal.dumps(values)
        except ValueError:  # a value marshal cannot write (an odd macro key): not kept
            return
        stored = self._load()
        with self._lock:
            stored.setdefault(part, {})[self._key(body, first_line)] = packed
            self._added += 1

    def _key(self, body: str, first_line: int) -> bytes:
        digest = self._digests.get(body)
        if digest is None:
            digest = self._digests[body] = body_digest(body)
        return digest + first_line.to_bytes(8, "little", signed=True)

    def _load(self) -> dict[Any, dict[bytes, bytes]]:
        stored = self._stored
        if stored is not None:
            return stored
        with self._lock:
            if self._stored is None:
                self._stored = self._read()
            return self._stored

    def _read(self) -> dict[Any, dict[bytes, bytes]]:
        if self.file is None:
            return {}
        self._fingerprint = _body_fingerprint()
        try:
            with open(self.file, "rb") as handle:
                stored = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                IndexError, KeyError, TypeError, ValueError, OverflowError):
            return {}  # a cache is disposable: a damaged one is rebuilt, never trusted
        if (not isinstance(stored, dict) or stored.get("fingerprint") != self._fingerprint
                or not isinstance(stored.get("parts"), dict)):
            return {}
        parts = stored["parts"]
        if not all(isinstance(entries, dict) for entries in parts.values()):
            return {}
        return parts

    def save(self, bodies: Iterable[tuple[str, int]]) -> None:
        """Write the entries of ``bodies`` (``(body, first line)`` of each article of the
        knowledge base now; entries of any other body are dropped) if this run added or
        dropped any. An unwritable state folder (a read-only checkout) is skipped: the next
        run reads again, nothing is lost."""
        if self.file is None or self._stored is None:
            return  # never used in this run
        with self._lock:
            present = set()
            for body, first_line in bodies:  # 0: macro scans
                present.update((self._key(body, first_line), self._key(body, 0)))
            parts = {part: (dict(entries) if _is_whole(part) else
                            {key: value for key, value in entries.items() if key in present})
                     for part, entries in self._stored.items()}
            kept = sum(map(len, parts.values()))
            if not self._added and kept == sum(map(len, self._stored.values())):
                return
            data = pickle.dumps({"fingerprint": self._fingerprint, "parts": parts},
                                protocol=pickle.HIGHEST_PROTOCOL)
            try:
                atomic.write_bytes(self.file, data)
            except OSError:
                return
            self._stored, self._added = parts, 0


PARALLEL_FROM = 400
"""From this many unread bodies on, :meth:`BodyCache.read_outlines` parses in worker
processes (below it, forking costs more than it saves)."""
_WORK: list[tuple[str, int | None]] | None = None
"""The bodies forked workers parse (``(text, None)``: a text whose macros they scan): set
just before the pool forks, never changed."""
_SCANNER: Macros | None = None
"""The sandbox whose syntax the workers scan macros with."""


_WORKERS = 2


def _fork_pool():
    """A pool of :data:`_WORKERS` forked processes, or None where forking is not for us: a
    machine with one core, a system without ``fork``, or a process running other threads
    (one of them may hold a lock a child would wait on forever)."""
    if (os.cpu_count() or 1) < 2 or threading.active_count() > 1:
        return None
    # imported here: only a large batch forks, and every command that opens a knowledge
    # base imports this module (kb's start-up time)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(_WORKERS, mp_context=multiprocessing.get_context("fork"))


def _pack_outlines(chunk: tuple[int, int]) -> list[bytes | None]:
    """In a worker: the packed outlines (and macro scans) of ``_WORK[start:end]``."""
    start, end = chunk
    return [marshal.dumps(_outline_values(outline(body, first_line))) if first_line is not None
            else _pack_scan(body) for body, first_line in _WORK[start:end]]


def _pack_scan(text: str) -> bytes | None:
    scan = _SCANNER.scan(text)
    try:
        return marshal.dumps((scan.error, tuple(scan.stored), scan.uses))
    except ValueError:  # a value marshal cannot write: scanned again where it is asked for
        return None


def _outline_values(found: Outline) -> tuple:
    """An outline as the plain values the cache keeps (see :func:`_unpack_outline`)."""
    return (tuple((h.line, h.level, h.text, h.id) for h in found.headings),
            tuple((link.line, link.target, link.image, link.kind, link.start, link.end)
                  for link in found.links),
            tuple(found.ids))


def _unpack_outline(packed: tuple) -> Outline:
    headings, links, ids = packed
    return Outline(tuple(Heading(*h) for h in headings), tuple(Link(*link) for link in links),
                   frozenset(ids))


def _body_fingerprint() -> str:
    text = f"{BODY_FORMAT} {sys.version} {MARKDOWN_ENGINE} {MACROS_ENGINE} {code_digest()}"
    return hashlib.sha256(text.encode()).hexdigest()
