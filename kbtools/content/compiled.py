"""Pages' macros compiled once, kept between runs.

Jinja compiles a page's text to Python before rendering it: about 0.7 ms for a page, as much
as rendering a few hundred facts, and every build compiles every page again. This is a
Jinja bytecode cache (Jinja's own extension point, :class:`jinja2.BytecodeCache`) kept in
one SQLite file in the git-ignored state folder (``.kb/cache/macros.sqlite``): a page whose
text was compiled by an earlier run is loaded (marshalled, in Jinja's own format: its
:class:`~jinja2.bccache.Bucket` checks the Jinja and Python versions and the text's hash)
instead of compiled.

Entries are read one at a time, as pages are rendered (nothing is held in memory). What a
run compiled is written when it saves its caches (:meth:`CompiledCache.save`), with the day
each entry was last used; entries unused for :data:`KEEP_DAYS` days go then. The days are a
table of their own (``used``): marking an entry used touches a small row, not the entry's
compiled code (a column after the code was read, and rewritten once a day, through the
code's overflow pages: a save went through the whole file, 124 MB at 3,000 articles, and
brought it into the process's memory through the map). A missing, corrupt, locked or
unwritable file only costs time; a file of the older layout is emptied.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sqlite3
import sys
import threading
import weakref
from datetime import date, timedelta
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from kbtools import clock
from kbtools.content.cache import code_digest
from kbtools.content.config import Config

MACROS_FILE = "macros.sqlite"
KEEP_DAYS = 30
"""An entry no run used for this many days is removed."""
FLUSH = 256
"""New entries kept in memory before they are written (a clean build compiles every page)."""
_MMAP_BYTES = 256 << 20
"""How much of the file SQLite may map into memory (address space, not memory used): an
entry read through the map costs a third of one read with system calls."""
_TIMEOUT_S = 5.0
"""How long a write waits for the other process of a build (both sites save at once)."""


def syntax(env: jinja2.Environment) -> tuple:
    """The settings of ``env`` that Jinja's parser reads besides the text."""
    return (env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
            env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
            tuple(sorted(env.extensions)))


def compiled_cache_file(config: Config) -> Path:
    """Where a knowledge base's :class:`CompiledCache` is kept."""
    return config.root / config.state_dir / "cache" / MACROS_FILE


class CompiledCache(BytecodeCache):
    """Compiled page texts in the SQLite file ``file``, opened on first use.

    ``hits`` and ``misses`` count the pages loaded and compiled (see
    :meth:`kbtools.content.sandbox.BoundedEnvironment.compile_page`)."""

    def __init__(self, file: Path) -> None:
        self.file = Path(file)
        self.hits = self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._new: dict[str, bytes] = {}
        self._used: set[str] = set()
        self._code = ""
        self._lock = threading.Lock()  # one connection, whichever thread renders
        self._envs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @property
    def code(self) -> str:
        """kb's own code (the sandbox rewrites what it compiles): part of every name."""
        if not self._code:
            self._code = code_digest()
        return self._code

    def name(self, env: jinja2.Environment, what: str, source: str) -> str:
        """The name of the compiled text ``source`` (Jinja keys a bucket by its name only):
        a hash of the text, ``what`` (the kind of compile) and everything
        Jinja's compiler reads besides the text (its syntax, the names of the filters and
        tests it checks, the settings that change the code it writes), the Jinja and Python
        versions and kb's code."""
        text = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        return f"kb:{text}:{what}:{self._settings(env)}"

    def _settings(self, env: jinja2.Environment) -> str:
        """The part of every name that comes from ``env`` (made once per environment, again
        when filters or tests were added since)."""
        known = self._envs.get(env)
        if known is not None and known[0] == (len(env.filters), len(env.tests)):
            return known[1]
        settings = (type(env).__module__, type(env).__qualname__, syntax(env),
                    sorted(env.filters), sorted(env.tests), repr(env.autoescape),
                    repr(env.finalize), env.optimized, env.is_async)
        found = f"{jinja2.__version__}:{sys.version}:{self.code}:{settings!r}"
        self._envs[env] = ((len(env.filters), len(env.tests)), found)
        return found

    # -- Jinja's interface ------------------------------------------------------------------
    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._new.get(bucket.key)
        if data is None:
            data = self._read(bucket.key)
        if data is not None:
            try:  # resets the bucket if versions or text differ
                bucket.bytecode_from_string(data)
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
                bucket.reset()  # a damaged entry: compiled again
        if bucket.code is not None:
            self.hits += 1
            self._used.add(bucket.key)
        else:
            self.misses += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            self._new[bucket.key] = bucket.bytecode_to_string()
            self._used.add(bucket.key)
            if len(self._new) >= FLUSH:
                self._write(clock.today(), prune=False)

    # -- the file ---------------------------------------------------------------------------
    def _read(self, key: str) -> bytes | None:
        with self._lock:
            db = self._connect()
            if db is None:
                return None
            try:
                row = db.execute("SELECT code FROM compiled WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                self._close(broken=True)
                return None
        return row[0] if row else None

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.file, timeout=_TIMEOUT_S, isolation_level=None,
                                     check_same_thread=False)
                db.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")  # reads without a syscall each
                columns = [row[1] for row in db.execute("PRAGMA table_info(compiled)")]
                if "used" in columns:  # the older layout (the day after the code): emptied
                    db.execute("DROP TABLE compiled")
                    db.execute("VACUUM")
                db.execute("CREATE TABLE IF NOT EXISTS compiled "
                           "(key TEXT PRIMARY KEY, code BLOB NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS used "
                           "(key TEXT PRIMARY KEY, day TEXT NOT NULL)")
                self._db = db
            except (sqlite3.Error, OSError):
                self._close(broken=True)
        return self._db

    def save(self, today: date | None = None) -> None:
        """Write what this run compiled, mark what it used as used ``today`` (default: the
        clock's day) and remove entries unused for :data:`KEEP_DAYS` days. Never fails: a
        file that cannot be written is left as it is."""
        if not self._new and not self._used:
            return
        day = today or clock.today()
        with self._lock:
            self._write(day, prune=True)

    def _write(self, day: date, *, prune: bool) -> None:
        """Write the new entries (dropped if they cannot be: they are only a saving), and
        with ``prune`` the days of use and the removal of old entries."""
        db = self._connect()
        try:
            if db is None:
                return
            today = day.isoformat()
            with db:  # one transaction
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO compiled VALUES (?, ?)",
                               self._new.items())
                db.executemany("INSERT OR REPLACE INTO used VALUES (?, ?)",
                               [(key, today) for key in self._new])
                if prune:
                    db.executemany("INSERT INTO used VALUES (?, ?) ON CONFLICT (key) "
                                   "DO UPDATE SET day = excluded.day WHERE day < excluded.day",
                                   [(key, today) for key in self._used if key not in self._new])
                    old = (day - timedelta(days=KEEP_DAYS)).isoformat()
                    db.execute("DELETE FROM compiled WHERE key NOT IN "
                               "(SELECT key FROM used WHERE day >= ?)", (old,))
                    db.execute("DELETE FROM used WHERE day < ?", (old,))
        except sqlite3.Error:
            self._close(broken=True)
        finally:
            self._new.clear()
            if prune:
                self._used.clear()

    def close(self) -> None:
        with self._lock:
            self._close(broken=False)

    def _close(self, *, broken: bool) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        self._broken = self._broken or broken
