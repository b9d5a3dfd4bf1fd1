"""The page cache's search entries: each page's, in a file of their own beside the manifest.

A page the page cache answers is not indexed by Material's search; its entries are the
previous build's (:meth:`.PageCache.splice`). Kept inside the manifest, every page's entries
were in memory from the start of a build to its end (50 MB of them at 3,000 articles on the
agent site, at the build's peak of memory). Here they are read when their language's build
ends, and written as soon as they are known.

The file (:class:`SearchStore`) holds each page's entries as JSON text (a list), one after
another; the manifest names the file and its size, and gives each page its ``[offset,
length]`` in it (:data:`NO_ENTRIES` for none). Each build writes a new file under a new name,
renamed into place before the manifest that names it is written: a crash leaves the previous
manifest with its file, and the next save removes what no manifest names.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

NO_ENTRIES = (0, 0)
"""The span of a page without search entries."""
SUFFIX = ".search"


class SearchStore:
    """The search entries of the previous build (the file a manifest names, if any) and of
    this one (a new file, :meth:`add`; :meth:`commit` puts it in place)."""

    def __init__(self, manifest: Path, previous: str | None = None) -> None:
        """``manifest``: the page cache's manifest; ``previous``: the name of the file it
        names, already checked by :meth:`find`."""
        self.folder = manifest.parent
        self._stem = manifest.stem
        self._old: BinaryIO | None = None
        if previous is not None:
            self._old = open(self.folder / previous, "rb")  # noqa: SIM115 - kept for the build
        self._new: BinaryIO | None = None
        self._tmp: Path | None = None
        self._size = 0

    @staticmethod
    def find(manifest: Path, recorded: object) -> str | None:
        """The name of the entries file the manifest at ``manifest`` records (``recorded``:
        its ``{"file": name, "size": bytes}``) when that file is there, of that size, and
        beside the manifest; else None (the manifest cannot be used)."""
        if not isinstance(recorded, dict):
            return None
        name, size = recorded.get("file"), recorded.get("size")
        if not isinstance(name, str) or not isinstance(size, int) \
                or name != os.path.basename(name) or not name.startswith(manifest.stem + "."):
            return None
        try:
            return name if os.lstat(manifest.parent / name).st_size == size else None
        except OSError:
            return None

    def read(self, span: object) -> bytes:
        """The previous build's entries at ``span`` (JSON text); raises ``ValueError`` when
        the span is not one of that file's."""
        if not isinstance(span, list) or len(span) != 2 \
                or not all(isinstance(n, int) and n >= 0 for n in span):
            raise ValueError(f"no search entries at {span!r}")
        if span[1] == 0:  # (NO_ENTRIES)
            return b"[]"
        if self._old is None:
            raise ValueError(f"no search entries at {span!r}")
        data = os.pread(self._old.fileno(), span[1], span[0])
        if len(data) != span[1]:
            raise ValueError(f"{self.folder}: the page cache's search entries are cut short")
        return data

    def add(self, data: bytes) -> list[int]:
        """Keep ``data`` (a page's entries as JSON text) in the new file; returns its span."""
        if data == b"[]":
            return list(NO_ENTRIES)
        span = [self._size, len(data)]
        self._file().write(data)
        self._size += len(data)
        return span

    def _file(self) -> BinaryIO:
        if self._new is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self._stem}.", suffix=".tmp",
                                       dir=self.folder)
            self._new, self._tmp = os.fdopen(fd, "wb"), Path(tmp)
        return self._new

    def commit(self) -> dict:
        """Put the new file in place under a name of its own; returns what the manifest
        records of it (see :meth:`find`)."""
        new = self._file()
        new.flush()
        os.fsync(new.fileno())
        new.close()
        name = f"{self._stem}.{secrets.token_hex(6)}{SUFFIX}"
        os.replace(self._tmp, self.folder / name)
        self._new, self._tmp = None, None
        return {"file": name, "size": self._size}

    def prune(self, keep: str | None) -> None:
        """Remove this cache's entries files other than ``keep`` (None: all), and the
        temporary files of builds that did not finish."""
        self.close()
        for path in self.folder.glob(f"{self._stem}.*{SUFFIX}"):
            if path.name != keep:
                with contextlib.suppress(OSError):
                    path.unlink()
        for path in self.folder.glob(f".{self._stem}.*.tmp"):
            with contextlib.suppress(OSError):
                path.unlink()

    def close(self) -> None:
        """Close the files (a new file not committed is removed)."""
        if self._old is not None:
            self._old.close()
            self._old = None
        if self._new is not None:
            self._new.close()
            self._new = None
            with contextlib.suppress(OSError):
                self._tmp.unlink()
