"""Pages a build need not render again: ``kb build``'s incremental builds.

A page's file is a function of its inputs, and its *key* hashes all of them
(:mod:`.pagekeys`).

The previous build's output is the cache. Its manifest (:func:`manifest_path`:
``<state>/cache/pages/<site>-<hash of the site folder>.json``, :class:`PageCache`) maps each
page's output path to its key, the digest of the file written, the file's identity (device,
inode, size, modification time; only for a file written well before the manifest) and
where its search-index entries are in the file beside it (:mod:`.pagesearch`). A page whose
key is the manifest's, and whose file in the site folder being replaced is still the one
recorded (its identity, else its digest, read again), is not rendered: MkDocs converts no
text and renders a blank template (:data:`CACHED_TEMPLATE`) for it, the adapter puts the old
file in the new site (a hard link, else its text), and :meth:`PageCache.splice` puts the
page's search entries back in the index at its place. Where the other plugins allow, such a
page is not even read: its file is put in place before MkDocs starts on its language, and
MkDocs' ``dirty`` build skips it (:mod:`.skipping`). So an incremental build writes the same
bytes as a clean one (the tests compare them after each kind of edit), and a page it cannot
vouch for is rendered.

Pages made from every article (the homes, any page listing Material's tags:
:func:`made_from_every_article`) are always rendered. Generated pages (topic, tag and section
pages, reports) are keyed by their markdown, which holds all they show.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kbtools import atomic
from kbtools.content.cache import RACY_NS
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.sites.pagekeys import digest
from kbtools.sites.pagesearch import NO_ENTRIES, SearchStore
from kbtools.sites.recycling import Identity, Recycled
from kbtools.sites.recycling import identity as _identity
from kbtools.sites.staging import HOME_TEMPLATE

CACHED_TEMPLATE = "kb-cached.html"
"""The theme template MkDocs renders for a page the cache answers: nothing (the adapter
returns the previous build's file)."""
VERSION = 2
"""Of the manifest's format (2: the search entries in a file of their own)."""


def manifest_path(kb: KnowledgeBase, site: str, site_dir: Path) -> Path:
    """Where the page cache of ``site`` built into ``site_dir`` keeps its manifest."""
    name = f"{site}-{digest(str(site_dir.resolve()))[:12]}.json"
    return kb.config.path(kb.config.state_dir) / "cache" / "pages" / name


@dataclass
class PageCache:
    """The previous build's pages (``previous``: output path -> manifest entry) in
    ``site_dir``, and what this build renders and reuses.

    Call :meth:`reuse` for every keyed page and :meth:`note` for every other one, in build
    order, :meth:`written` with what was written for each keyed page rendered,
    :meth:`splice` on each language build's search index entries, and :meth:`save` once the
    new site is in place of ``site_dir``.
    """

    path: Path
    site_dir: Path
    previous: dict[str, dict] = field(default_factory=dict)
    pages: list[tuple[str, str]] = field(default_factory=list)
    """(URL, output path) of every page, in build order (the search index's order)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Output path -> key, for every keyed page of this build."""
    reused: set[str] = field(default_factory=set)
    """Output paths of the pages the cache answered."""
    digests: dict[str, str] = field(default_factory=dict)
    search: dict[str, list[int]] = field(default_factory=dict)
    """Output path -> where :attr:`store` keeps the page's search entries (this build's)."""
    store: SearchStore | None = None
    """The previous build's search entries and this one's (:mod:`.pagesearch`; by default
    none of the previous build's)."""
    _files: dict[str, Identity] = field(default_factory=dict, repr=False)
    """Output path of a reused page -> the identity of the file :meth:`reuse` read."""
    _linked: set[str] = field(default_factory=set, repr=False)
    """Output paths whose file in the new site is a link to the one :meth:`reuse` read."""
    _placed: set[str] = field(default_factory=set, repr=False)
    _spliced: int = field(default=0, repr=False)
    """How many of :attr:`pages` :meth:`splice` has seen."""
    _folders: dict[str, bool] = field(default_factory=dict, repr=False)
    """Folder under ``site_dir`` -> whether it is reached through real folders only."""
    recycled: Recycled | None = None
    """The new site's folder when it is an old site folder, recycled (:meth:`recycle`)."""

    @classmethod
    def open(cls, path: Path, site_dir: Path, *, clean: bool = False) -> PageCache:
        """The cache of the site in ``site_dir`` as its manifest at ``path`` describes it;
        empty when ``clean``, or when the manifest is missing, unreadable, of another format
        or of another folder (every page is rendered then)."""
        if clean:
            return cls(path, site_dir)
        try:
            manifest = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return cls(path, site_dir)
        if isinstance(manifest, dict) and manifest.get("version") == VERSION \
                and manifest.get("site_dir") == str(site_dir) \
                and isinstance(manifest.get("pages"), dict) \
                and (entries := SearchStore.find(path, manifest.get("search"))) is not None:
            return cls(path, site_dir, manifest["pages"], store=SearchStore(path, entries))
        return cls(path, site_dir)

    def __post_init__(self) -> None:
        if self.store is None:
            self.store = SearchStore(self.path)

    def recycle(self, folder: Path) -> None:
        """Clear ``folder``, a site folder an earlier build replaced, to be the new site's
        folder (:class:`~.recycling.Recycled`): it keeps the files that are ``site_dir``'s
        own pages, which :meth:`link` (and :func:`~.recycling.carry`) then leave in place.
        Call :meth:`vacate` with every output path of a build before MkDocs reads any, and
        :meth:`finish` after the build."""
        self.recycled = Recycled(folder, self.previous, self._file_identity)

    def vacate(self, dests: Iterable[str]) -> None:
        """Remove what the recycled folder kept at ``dests`` (see :meth:`recycle`) and
        :meth:`link` did not take: those paths are MkDocs' to write."""
        if self.recycled is not None:
            self.recycled.vacate(dests)

    def finish(self) -> None:
        """Remove what the recycled folder kept and no page took, and the folders left
        empty: the folder holds what a build into an empty one writes."""
        if self.recycled is not None:
            self.recycled.finish()

    def place(self, url: str, dest: str) -> None:
        """Record the page at ``dest`` in build order, once (the search index's order)."""
        if dest not in self._placed:
            self._placed.add(dest)
            self.pages.append((url, dest))

    def reuse(self, url: str, dest: str, key: str) -> bool:
        """Whether the previous build's page at ``dest`` stands for this one: its key was
        ``key`` and its file is still what was written (False: render the page). May be
        asked again for the same page (the answer is the same)."""
        self.place(url, dest)
        self.keys[dest] = key
        entry = self.previous.get(dest)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return False
        identity = self._same_file(dest, entry.get("file"))
        if identity is None:  # not known to be the file written: read it
            found = self._open(dest)
            if found is None or _digest(found[0]) != entry.get("digest"):
                return False
            if found[1].st_mtime_ns < time.time_ns() - RACY_NS:  # else a rewrite could look alike
                identity = _identity(found[1])
        self.reused.add(dest)
        self.digests[dest] = entry["digest"]
        if identity is not None:
            self._files[dest] = identity
        return True

    def _same_file(self, dest: str, recorded: object) -> Identity | None:
        """The identity of the regular file ``dest`` when it is the one the manifest
        recorded (``recorded``: device, inode, size, mtime, kept only for a file written
        well before the manifest: see :meth:`save`), so its bytes are the ones digested;
        else None."""
        if not isinstance(recorded, list):
            return None
        identity = self._file_identity(dest)
        return identity if identity is not None and list(identity) == recorded else None

    def link(self, dest: str, site_dir: Path) -> bool:
        """Put the reused page at ``dest`` into the new site folder ``site_dir`` as a hard
        link to the previous build's file, instead of reading and writing it again: True when
        done, False when it cannot be (no hard links there, the file is not the one
        :meth:`reuse` read, or it was written too recently for its status to tell a rewrite
        apart, as for the parse cache): then write :meth:`text`."""
        expected = self._files.get(dest)  # (checked by reuse; the link is checked below)
        if expected is None:
            return False
        if self.recycled is not None and os.fspath(site_dir) == self.recycled.folder \
                and self.recycled.take(dest, expected):
            self._linked.add(dest)
            return True  # already there: the recycled folder's link to the very file read
        source, target = os.path.join(self.site_dir, dest), os.path.join(site_dir, dest)
        linked = False
        try:
            _folder_for(target)
            os.link(source, target, follow_symlinks=False)
            linked = True
            if _identity(os.lstat(target)) == expected:
                self._linked.add(dest)
                return True  # the very file read (not one put there since)
        except OSError:
            pass
        if linked:
            with contextlib.suppress(OSError):
                os.unlink(target)
        return False

    def copy(self, dest: str, site_dir: Path) -> bool:
        """Write the reused page at ``dest`` into the new site folder ``site_dir`` as a new
        file with the previous file's bytes (checked against the digest): a file written now,
        not one as old as the previous file. False when that file changed (see :meth:`text`)
        or cannot be written."""
        self._linked.discard(dest)
        try:
            data = self.text(dest).encode("utf-8")
            with open(Path(site_dir) / dest, "xb") as file:
                file.write(data)
        except (OSError, ValueError):
            return False
        return True

    def text(self, dest: str) -> str:
        """The text of the reused page at ``dest``, read when MkDocs writes the page (not
        kept in memory from :meth:`reuse` on); raises ``ValueError`` when the file changed
        since (another process wrote into the site folder during the build)."""
        found = self._open(dest)
        if found is None or _digest(found[0]) != self.digests[dest]:
            raise ValueError(f"{self.site_dir / dest} changed during the build")
        return found[0].decode("utf-8")

    def _open(self, dest: str) -> tuple[bytes, os.stat_result] | None:
        """The bytes and status of the regular file ``dest`` inside ``site_dir``; None for
        anything else (missing, a symbolic link, a path that leaves the folder:
        :meth:`_inside`)."""
        if not self._inside(dest):
            return None
        try:
            fd = os.open(self.site_dir / dest, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        with os.fdopen(fd, "rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                return None
            return file.read(), status

    def _inside(self, dest: str) -> bool:
        """Whether the path ``dest`` stays inside ``site_dir``: no ``..``, and only real
        folders (no symbolic link) on the way, each looked at once per build."""
        parts = dest.split("/")
        return not any(part in ("", ".", "..") for part in parts) \
            and self._real_folder(parts[:-1])

    def _real_folder(self, parts: list[str]) -> bool:
        """Whether ``site_dir/<parts>`` is a folder, reached through folders only (no
        symbolic link): a file opened below it without following links stays inside."""
        if not parts:
            return True
        folder = "/".join(parts)
        known = self._folders.get(folder)
        if known is None:
            try:
                real = stat.S_ISDIR(os.lstat(os.path.join(self.site_dir, folder)).st_mode)
            except OSError:
                real = False
            known = self._folders[folder] = real and self._real_folder(parts[:-1])
        return known

    def _file_identity(self, dest: str) -> Identity | None:
        """The identity (:func:`_identity`) of the regular file ``dest`` inside ``site_dir``
        (:meth:`_inside`); None for anything else."""
        if not self._inside(dest):
            return None
        try:
            return _identity(os.lstat(os.path.join(self.site_dir, dest)))
        except OSError:
            return None

    def note(self, url: str, dest: str) -> None:
        """Record a page that is not keyed (always rendered), for its place in the index."""
        self.place(url, dest)

    def written(self, dest: str, output: str) -> None:
        """Record what MkDocs writes for the keyed page at ``dest``."""
        self._linked.discard(dest)
        self.digests[dest] = _digest(output.encode("utf-8", errors="xmlcharrefreplace"))

    def splice(self, entries: list[dict]) -> list[dict]:
        """The search index entries of the pages placed since the last call (one language's
        build), with each reused page's entries back at its place (the search plugin skipped
        those pages); keeps every keyed page's entries for the next build. Raises
        ``ValueError`` when the previous build's entries of a reused page cannot be read."""
        pages, self._spliced = self.pages[self._spliced:], len(self.pages)
        groups: dict[str, list[dict]] = {}
        for entry in entries:
            groups.setdefault(str(entry.get("location", "")).split("#", 1)[0], []).append(entry)
        spliced: list[dict] = []
        reused = False
        for url, dest in pages:
            if dest in self.reused:
                reused = True
                try:
                    data = self.store.read(self.previous[dest].get("search"))
                    spliced.extend(json.loads(data))
                except ValueError as exc:  # (not JSON too) the next build renders every page
                    with contextlib.suppress(OSError):
                        self.path.unlink()
                    raise ValueError(f"{self.path}: {exc}: removed, build again") from None
                self.search[dest] = self.store.add(data)
            else:
                own = groups.pop(url, [])
                if dest in self.keys:
                    self.search[dest] = self.store.add(_entries_text(own))
                spliced.extend(own)
        for rest in groups.values():  # entries of no page seen (none expected): kept
            spliced.extend(rest)
        return spliced if reused else entries

    def save(self, carried: Iterable[str] = ()) -> None:
        """Write the manifest of the new site (now in ``site_dir``): this build's keyed pages,
        and the previous entries of the languages ``carried`` over unrendered.

        A manifest that cannot be written costs the next build its reuse, not its correctness
        (an old one fails its digest checks), so that is no error: the old one is removed."""
        prefixes = tuple(f"{lang}/" for lang in carried)
        pages = {}
        for dest, entry in self.previous.items():
            if prefixes and dest.startswith(prefixes):
                with contextlib.suppress(ValueError):  # (unreadable: rendered next time)
                    pages[dest] = {**entry, "search": self.store.add(
                        self.store.read(entry.get("search")))}
        settled = time.time_ns() - RACY_NS
        self._folders.clear()  # ``site_dir`` now holds the new site
        for dest, key in self.keys.items():
            if dest in self.digests:
                pages[dest] = {"key": key, "digest": self.digests[dest],
                               "search": self.search.pop(dest, list(NO_ENTRIES))}
                # only for a file older than the manifest by RACY_NS: one rewritten in the
                # instant it was written could keep its size and time (a newer file is
                # digested again by the next build instead); a link's is the file's it links
                identity = self._files[dest] if dest in self._linked \
                    else self._file_identity(dest)
                if identity is not None and identity[3] < settled:
                    pages[dest]["file"] = list(identity)
        try:
            manifest = {"version": VERSION, "site_dir": str(self.site_dir),
                        "search": self.store.commit(), "pages": pages}
            atomic.write_json(self.path, manifest, streamed="pages")
        except OSError:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)
            self.store.prune(None)
        else:
            self.store.prune(manifest["search"]["file"])

    def close(self) -> None:
        """Let go of the files :attr:`store` holds open (:meth:`save` does)."""
        self.store.close()


def _folder_for(file: str) -> None:
    """Make the folder of the path ``file`` (and its parents): one system call when its
    parent is there, as for most pages (``Path.mkdir`` took twice as long)."""
    folder = os.path.dirname(file)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _entries_text(entries: list[dict]) -> bytes:
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8", "surrogatepass")


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def made_from_every_article(norm: str, meta: dict, markdown: str) -> bool:
    """Whether a page (of source ``norm`` without language: ``index.md`` for
    ``index.ru.md``; its front matter ``meta``) is made from more than its markdown, so it
    is not cached: a home (categories and blocks from every article) or a page listing
    Material's tags."""
    return norm == "index.md" or meta.get("template") == HOME_TEMPLATE \
        or "<!-- material/tags" in markdown
