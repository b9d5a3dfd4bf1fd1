"""A rebuild's output folder made from the site folder an earlier rebuild replaced.

A rebuild writes a new site folder and swaps it for the old one
(:func:`kbtools.atomic.replace_dir`), so a crash leaves the old site whole. Most of the new folder's pages are hard links to the old
one's files (:mod:`.pagecache`), but each page has a folder of its own (``billing/refunds/``),
and making 6,700 folders, then deleting as many from the folder replaced, was a fifth of a
rebuild at 1,000 articles (a ``mkdir`` took 80 to 490 µs on an ext4 disk of a shared machine).

The folder a rebuild replaced is left under the state folder (see
:func:`kbtools.sites.builder.build_site`), and the next rebuild builds into it instead of a new
one (:class:`Recycled`): its folders stay, and of its files only those that are *the site
folder's own files at the same place* (the same inode on the same device: the links the
replacing build made), where the previous manifest has a page. Every other entry is removed
first, and a kept file is never written: the page cache either keeps it for an unchanged page
(:meth:`Recycled.take`) or removes it before MkDocs could write there
(:meth:`Recycled.vacate`, for every file of each language build, before MkDocs reads any;
writing into it would write into the live site, through the link). At the end the files
nothing took are removed, with the folders left empty (:meth:`Recycled.finish`): the folder
then holds what a build into an empty one would have written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Callable, Container, Iterable
from pathlib import Path

Identity = tuple[int, int, int, int]
"""A regular file's device, inode, size and modification time (see :func:`identity`)."""


def identity(status: os.stat_result) -> Identity | None:
    """A regular file's device, inode, size and modification time (None: not a regular
    file): unchanged, it is the same file with the same bytes."""
    if not stat.S_ISREG(status.st_mode):
        return None
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


class Recycled:
    """The folder ``folder``, once a site folder, cleared to be the new site's folder: the
    regular files that are the live site's own (``live``: output path -> the identity of the
    live site's file there, or None) at output paths of ``pages`` are kept, every other file,
    link or special file removed; folders stay."""

    def __init__(self, folder: Path, pages: Container[str],
                 live: Callable[[str], Identity | None]) -> None:
        self.folder = str(folder)
        self._kept: set[str] = set()
        """Output paths of the files kept, not yet taken or vacated."""
        self._emptied: set[str] = set()
        """Folders (relative, "" the root) a file was removed from, or found empty."""
        self._folders: set[str] = set()
        """The folders it had (relative), for :meth:`vacate`."""
        self.taken = 0
        """Kept files :meth:`take` left in place."""
        device = os.lstat(self.folder).st_dev
        pending = [""]
        while pending:
            relative = pending.pop()
            empty = True
            with os.scandir(os.path.join(self.folder, relative)) as entries:
                for entry in entries:
                    empty = False
                    dest = f"{relative}/{entry.name}" if relative else entry.name
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(dest)
                        self._folders.add(dest)
                        continue
                    found = live(dest) if entry.is_file(follow_symlinks=False) \
                        and dest in pages else None
                    if found is not None and found[:2] == (device, entry.inode()):
                        self._kept.add(dest)
                    else:
                        os.unlink(entry.path)
                        self._emptied.add(relative)
            if empty:
                self._emptied.add(relative)

    def take(self, dest: str, expected: Identity) -> bool:
        """Whether the file kept at ``dest`` is the file of identity ``expected`` (the live
        page the cache reuses): then it stays, as a new link to it would be. Else whatever
        is there is removed (the caller links the page in)."""
        if dest not in self._kept:
            return False
        self._kept.discard(dest)
        target = os.path.join(self.folder, dest)
        with contextlib.suppress(OSError):
            if identity(os.lstat(target)) == expected:
                self.taken += 1
                return True
        self._remove(dest)
        return False

    def vacate(self, dests: Iterable[str]) -> None:
        """Remove the files kept at ``dests`` (the output paths a build may write: MkDocs
        would write into the live site's file, and its ``dirty`` build would take the page
        as built), and any folder the recycled folder had there."""
        for dest in dests:
            if dest in self._kept:
                self._kept.discard(dest)
                self._remove(dest)
            elif dest in self._folders:  # (a file where a page's folder was)
                shutil.rmtree(os.path.join(self.folder, dest))
                below = f"{dest}/"
                self._folders = {f for f in self._folders if not f.startswith(below)}
                self._folders.discard(dest)
                self._kept = {k for k in self._kept if not k.startswith(below)}
                self._emptied.add(dest.rpartition("/")[0])

    def finish(self) -> None:
        """Remove the files nothing took (pages gone since), then every folder left empty."""
        for dest in self._kept:
            self._remove(dest)
        self._kept.clear()
        for relative in sorted(self._emptied, key=lambda f: f.count("/"), reverse=True):
            while relative:  # (the root stays)
                try:
                    os.rmdir(os.path.join(self.folder, relative))
                except OSError:  # not empty (or gone with a sibling's parent)
                    break
                relative = relative.rpartition("/")[0]
        self._emptied.clear()

    def _remove(self, dest: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(self.folder, dest))
        self._emptied.add(dest.rpartition("/")[0])


def carry(source: Path, dest: Path, prefix: str, recycled: Recycled | None) -> None:
    """Put the regular files of ``source`` (a folder of the live site: a language a partial
    build carries over) at the same places in ``dest`` (the new site's folder of it, output
    paths ``prefix`` + their path below it) as hard links to them: those ``recycled`` kept
    there are taken as they are (:meth:`Recycled.take`), anything else at their place is
    replaced. No link is followed, and what is not a regular file is left out."""
    source, dest = os.fspath(source), os.fspath(dest)
    skip = len(source) + 1
    for parent, _, names in os.walk(source):
        below = parent[skip:]
        here = os.path.join(dest, below)
        os.makedirs(here, exist_ok=True)
        for name in names:
            path = os.path.join(parent, name)
            found = identity(os.lstat(path))
            if found is None:
                continue
            relative = f"{prefix}{below}/{name}" if below else f"{prefix}{name}"
            if recycled is not None and recycled.take(relative, found):
                continue
            target = os.path.join(here, name)
            try:
                os.link(path, target, follow_symlinks=False)
            except FileExistsError:  # written by the build (a sitemap): the live one's
                os.unlink(target)
                os.link(path, target, follow_symlinks=False)
