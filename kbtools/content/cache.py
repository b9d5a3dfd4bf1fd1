"""Parsed articles kept between runs, so a run re-parses only the files that changed.

Entries are keyed like git's index: a file is taken from the cache when its size, mtime and
inode are those recorded, and its mtime is older than the cache itself by a safety margin (an
edit in the same instant as the cache write is re-read, never trusted). The whole cache is
dropped when ``kb.yml`` or the kbtools code changes. It lives in the git-ignored state folder
(``.kb/cache/``); a missing, corrupt or unwritable cache only costs time.

Beside it, :class:`kbtools.content.bodycache.BodyCache` keeps what is derived from each body.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

from kbtools import atomic
from kbtools.content.config import CONFIG_FILE, Config
from kbtools.content.kinds import Registry
from kbtools.content.model import Article
from kbtools.diagnostics import Finding

FORMAT = 2
RACY_NS = 2_000_000_000  # files changed within 2 s of the cache write are re-read
_CODE = Path(__file__).resolve().parent.parent  # the kbtools package


@dataclass(frozen=True, slots=True)
class Entry:
    key: tuple[int, int, int]  # size, mtime_ns, inode
    article: Article | None
    findings: tuple[Finding, ...]


def stat_key(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _file(config: Config) -> Path:
    return config.root / config.state_dir / "cache" / "corpus.pickle"


def _fingerprint(config: Config, kinds: Registry) -> str:
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for kind in kinds:  # which folders make which kind, with which fields, parsed by what
        parse = kind.parse and f"{kind.parse.__module__}.{kind.parse.__qualname__}"
        digest.update(f"{kind.name} {kind.folder} {sorted(kind.fields)} {parse}".encode())
    settings = config.root / CONFIG_FILE
    if settings.exists():
        digest.update(settings.read_bytes())
    digest.update(code_digest().encode())
    return digest.hexdigest()


class CorpusCache:
    """Read once at the start of a load, written once at the end if anything changed."""

    def __init__(self, config: Config, kinds: Registry) -> None:
        self.config = config
        self.fingerprint = _fingerprint(config, kinds)
        self.written_ns = 0
        self.entries: dict[str, Entry] = {}
        self.fresh: dict[str, Entry] = {}
        self.changed = False
        self._read()

    def _read(self) -> None:
        try:
            with open(_file(self.config), "rb") as handle:
                stored = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                TypeError, ValueError):
            return
        if not isinstance(stored, dict) or stored.get("fingerprint") != self.fingerprint:
            return
        self.written_ns = stored["written_ns"]
        self.entries = stored["entries"]

    def get(self, relative: str, key: tuple[int, int, int]) -> Entry | None:
        """The cached entry for ``relative`` if the file is unchanged since it was cached."""
        entry = self.entries.get(relative)
        if entry is None or entry.key != key or key[1] >= self.written_ns - RACY_NS:
            self.changed = True
            return None
        self.fresh[relative] = entry
        return entry

    def put(self, relative: str, entry: Entry) -> None:
        self.fresh[relative] = entry

    def save(self) -> None:
        """Write the entries seen in this run (dropping deleted files), if anything changed."""
        if not self.changed and len(self.fresh) == len(self.entries):
            return
        stored = {"fingerprint": self.fingerprint, "written_ns": _now_ns(self.config),
                  "entries": self.fresh}
        try:
            atomic.write_bytes(_file(self.config), pickle.dumps(stored, protocol=5))
        except OSError:
            pass  # a read-only checkout: the next run parses again, nothing is lost


def _now_ns(config: Config) -> int:
    """The file-system time now (not the clock: mtimes are compared against it)."""
    probe = config.root / config.state_dir
    try:
        probe.mkdir(parents=True, exist_ok=True)
        os.utime(probe)
        return probe.stat().st_mtime_ns
    except OSError:
        return 0


def code_digest(suffixes: tuple[str, ...] = (".py",)) -> str:
    """A digest of the kbtools files whose names end in ``suffixes`` (paths, sizes, mtimes):
    derived data is dropped when the code that derived it may have changed."""
    digest = hashlib.sha256()
    for source in sorted(_CODE.rglob("*")):
        if source.name.endswith(suffixes) and "__pycache__" not in source.parts:
            stat = source.stat()
            digest.update(f"{source} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()
