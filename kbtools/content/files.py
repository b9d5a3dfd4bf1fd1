"""The repository's own files: the one walk of the content folders every tool shares.

Content is the repository's own regular files. No tool follows a symbolic link: the loader,
the search snapshot, the link checker and both site builds walk the folders with
:func:`scan_tree`, so they all see the same files. Each link met is a finding at its path:

- ``file.symlink-outside`` (error): it points outside the knowledge base (``/proc/self/environ``,
  a file in someone's home folder). Following it could publish that file; both builds refuse.
- ``file.symlink-loop`` (error): following it would never end (it points to its own folder or
  one above it, or into a chain of links that comes back to itself). Both builds refuse.
- ``file.symlink`` (warning): it points to something inside the knowledge base. It is not
  followed either: what it names is no article, asset or link target. Link to the file itself.

Names starting with a dot are not content and are skipped, links among them too.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kbtools.diagnostics import Finding, error, warning

SYMLINK_OUTSIDE = "file.symlink-outside"
SYMLINK_LOOP = "file.symlink-loop"
SYMLINK = "file.symlink"
REFUSED = frozenset({SYMLINK_OUTSIDE, SYMLINK_LOOP})
"""Codes that stop every site build, wherever the link is."""


@dataclass(frozen=True)
class Tree:
    """Regular files and folders under some content folders, and the links met there."""

    files: tuple[str, ...]
    """Repo-relative paths of the regular files, sorted."""
    folders: frozenset[str]
    """Repo-relative paths of the folders walked (the content folders themselves included)."""
    findings: tuple[Finding, ...] = ()
    """One per symbolic link (and per folder that could not be read)."""
    stats: Mapping[str, os.stat_result] = field(default_factory=dict)
    """``lstat`` of each file whose name ends with one of :func:`scan_tree`'s ``with_stat``."""


def scan_tree(root: Path, tops: Iterable[str], *, with_stat: tuple[str, ...] = ()) -> Tree:
    """Walk ``tops`` (folders relative to ``root``) without following any symbolic link.

    ``with_stat``: name endings (``".md"``) of the files whose ``lstat`` goes into
    :attr:`Tree.stats`. Never raises for what it finds: links and unreadable folders are
    findings; a folder or file that vanishes during the walk is left out.
    """
    root = Path(root)
    real_root = root.resolve()
    files: list[str] = []
    folders: set[str] = set()
    findings: list[Finding] = []
    stats: dict[str, os.stat_result] = {}
    stack: list[str] = []
    for top in reversed(tuple(tops)):
        path = root / top
        if path.is_symlink():
            findings.append(symlink_finding(real_root, path, top))
        elif path.is_dir():
            stack.append(top)
    while stack:
        rel = stack.pop()
        folders.add(rel)
        try:
            with os.scandir(root / rel) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except FileNotFoundError:
            continue
        except OSError as exc:
            findings.append(error(rel, 0, "file.unreadable", f"cannot read folder: {exc.strerror}"))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative = f"{rel}/{entry.name}"
            try:
                if entry.is_symlink():
                    findings.append(symlink_finding(real_root, Path(entry.path), relative))
                elif entry.is_dir(follow_symlinks=False):
                    subfolders.append(relative)
                elif entry.is_file(follow_symlinks=False):
                    if entry.name.endswith(with_stat):
                        stats[relative] = entry.stat(follow_symlinks=False)
                    files.append(relative)
            except FileNotFoundError:
                continue
        stack.extend(reversed(subfolders))
    files.sort()
    return Tree(tuple(files), frozenset(folders), tuple(findings), stats)


def symlink_finding(real_root: Path, path: Path, relative: str) -> Finding:
    """The finding for the symbolic link ``path`` (repo path ``relative``) in the knowledge
    base whose resolved root is ``real_root``."""
    written = os.readlink(path)
    try:
        target = path.resolve(strict=True)
    except (RuntimeError, OSError) as exc:  # RuntimeError: a loop, before Python 3.13
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
            return error(relative, 0, SYMLINK_LOOP,
                         f"symlink loop: {relative} -> {written} leads back to itself; "
                         "remove the link")
        try:
            target = path.resolve()
        except (RuntimeError, OSError):
            target = Path(os.path.abspath(path.parent / written))
    if not target.is_relative_to(real_root):
        return error(relative, 0, SYMLINK_OUTSIDE,
                     f"symlink to {written}, outside the knowledge base: content is the "
                     "repository's own files, so no tool reads it and no site publishes it "
                     "(both builds refuse); copy the file into the repository or remove the link")
    folder = path.parent.resolve()
    if target.is_dir() and (folder == target or folder.is_relative_to(target)):
        return error(relative, 0, SYMLINK_LOOP,
                     f"symlink loop: {relative} -> {written} points to its own folder or one "
                     "above it, so following it never ends; remove the link")
    shown = target.relative_to(real_root).as_posix()
    return warning(relative, 0, SYMLINK,
                   f"symlink to {shown} is not followed (content is the repository's own regular "
                   f"files): it is no page, image or link target; link to {shown} itself")


def own_file_problem(root: Path, relative: str) -> Finding | None:
    """None when ``relative`` is a regular file of the knowledge base at ``root`` reached
    without any symbolic link (no folder on its way is a link either); else why not."""
    path = Path(root) / relative
    real_root = Path(root).resolve()
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            return symlink_finding(real_root, path, relative)
        real = path.resolve(strict=True)
    except (RuntimeError, OSError) as exc:
        return error(relative, 0, "file.unreadable", f"cannot read: {exc}")
    if real != real_root / relative:
        outside = not real.is_relative_to(real_root)
        return error(relative, 0, SYMLINK_OUTSIDE if outside else "file.not-regular",
                     f"{relative} is reached through a symlinked folder; content is the "
                     "repository's own files")
    if not stat.S_ISREG(info.st_mode):
        return error(relative, 0, "file.not-regular", f"{relative} is not a regular file")
    return None
