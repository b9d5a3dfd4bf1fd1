"""A multilingual site's search index, written a language at a time.

Material's search plugin writes one language's index per MkDocs build, at the site's root
(``search/search_index.json``), and the next language's build writes over it. Keeping every
language's entries until the last build ends would hold the whole index in memory at the
build's end, its peak (at 3,000 articles the agent site's index is 50 MB of entries).
:class:`SearchOutput` takes each language's entries as its build ends (:meth:`~SearchOutput.add`):
it puts back the entries of the pages the page cache answered (``splice``,
:meth:`.PageCache.splice`), drops copies of the default language's entries
(:class:`.search_entries.Copies`), and writes what is left to a temporary file, which
:meth:`~SearchOutput.finish` completes into the site's index or indexes. So only one
language's entries are in memory at a time.

The agent site has one index, every language's entries in the order built. The public site
has one per language (see :mod:`.search_entries`): each entry goes to its language's file,
with its location relative to that language's folder and its spelling variants.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from kbtools import atomic
from kbtools.sites.search_entries import (
    SEARCH_INDEX,
    VARIANTS,
    Copies,
    language_config,
    language_entries,
    search_fields,
)

Splice = Callable[[list[dict]], list[dict]]


class SearchOutput:
    """The search index (``per_language``: indexes) of the site built into ``site_dir``,
    fed one language build's index at a time (:meth:`add`, the default language's first),
    written by :meth:`finish`.

    ``fallback_urls`` (page URLs; read as each language is added) are the pages whose
    entries are left out; ``splice`` (the page cache's) is given each language's entries
    first."""

    def __init__(self, site_dir: Path | str, languages: Iterable[str], *,
                 per_language: bool, fallback_urls: Iterable[str] = frozenset(),
                 splice: Splice | None = None) -> None:
        self.site_dir = Path(site_dir)
        self.languages = tuple(languages)
        self.per_language = per_language
        self.dropped = 0
        """How many entries were left out as copies."""
        self._copies = Copies(self.languages, fallback_urls)
        self._splice = splice
        self._config: dict | None = None
        self._seen = False
        self._parts: dict[str, _Part] = {}
        """Index (a language, or "" for the single index) -> its entries written so far."""
        self._variants: dict[str, set[str]] = {}
        """Language -> the variant fields its entries have (public indexes)."""

    def add(self, index: dict | None) -> None:
        """One language build's index (``config`` and ``docs``, as Material writes it; None:
        the build wrote none)."""
        if index is None:
            return
        self._seen = True
        self._config = index.get("config")
        entries = index["docs"]
        if self._splice is not None:
            entries = self._splice(entries)
        before = len(entries)
        entries = self._copies.drop(entries)
        self.dropped += before - len(entries)
        if not self.per_language:
            self._part("").write(entries, ensure_ascii=True)
            return
        for lang, own, added in language_entries(entries, self.languages, self._config or {}):
            if own:
                self._variants.setdefault(lang, set()).update(added)
                self._part(lang).write(own, ensure_ascii=False)

    def _part(self, name: str) -> _Part:
        found = self._parts.get(name)
        if found is None:
            found = self._parts[name] = _Part(self.site_dir)
        return found

    def finish(self) -> dict[str, int] | None:
        """Write the index (or one per language, every language of the site getting one, if
        need be empty) in place of what Material's last build wrote; returns how many entries
        each index has (``""`` for the single one), None when no build wrote an index (no
        search). The temporary files are gone afterwards."""
        if not self._seen:
            return None
        config = self._config or {}
        counts = {}
        try:
            if not self.per_language:
                counts[""] = self._write(self.site_dir / SEARCH_INDEX, config, "", True)
                return counts
            fields = search_fields(config)
            for lang in self.languages:
                variants = self._variants.get(lang, set())
                own = language_config(config, lang, [name + VARIANTS for name in fields
                                                     if name + VARIANTS in variants])
                folder = self.site_dir if lang == self.languages[0] else self.site_dir / lang
                counts[lang] = self._write(folder / SEARCH_INDEX, own, lang, False)
            return counts
        finally:
            self.close()

    def _write(self, path: Path, config: dict, name: str, ensure_ascii: bool) -> int:
        part = self._parts.pop(name, None)
        with atomic.writer(path) as handle:
            handle.write(b'{"config":' + _dumps(config, ensure_ascii) + b',"docs":[')
            if part is not None:
                part.copy_to(handle)
            handle.write(b"]}")
        return part.count if part is not None else 0

    def close(self) -> None:
        """Let the temporary files go (after :meth:`finish`, or a failed build)."""
        for part in self._parts.values():
            part.close()
        self._parts.clear()


class _Part:
    """Entries written so far, compact JSON separated by commas, in an unnamed temporary file
    in ``folder`` (gone when closed, or when the process ends)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO = tempfile.TemporaryFile(dir=folder)
        self.count = 0

    def write(self, entries: list[dict], *, ensure_ascii: bool) -> None:
        for entry in entries:
            self._file.write((b"," if self.count else b"") + _dumps(entry, ensure_ascii))
            self.count += 1

    def copy_to(self, handle: BinaryIO) -> None:
        self._file.seek(0)
        shutil.copyfileobj(self._file, handle, 1 << 20)
        self.close()

    def close(self) -> None:
        self._file.close()


def _dumps(value, ensure_ascii: bool) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=ensure_ascii).encode()


def read_search_index(path: Path) -> dict | None:
    """The search index at ``path`` (``config`` and a list of ``docs``), None when there is
    none; raises ``ValueError`` when the file is something else."""
    try:
        index = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise ValueError(f"{path}: not JSON: {exc}") from None
    entries = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a search index with a list of 'docs'")
    return index

