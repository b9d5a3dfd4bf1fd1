"""The folders a site is built in: a new one, or the site folder an earlier build replaced
(:mod:`.recycling`), under ``<state>/build/<site>/``; and what killed builds left there."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kbtools import atomic
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.errors import StateError
from kbtools.sites.exchange import FOLDER_PREFIX
from kbtools.sites.site import SITES, Site


def take_spare(kb: KnowledgeBase, site: Site, leftovers: list[Path]) -> Path | None:
    """The output folder of an earlier build of ``site`` among ``leftovers`` (removed
    from the list), for this build to build into (:mod:`.recycling`): the latest, most
    likely the site folder the last build replaced; None when there is none."""
    work = work_dir(kb, site)
    found = [p for p in leftovers if p.parent == work and p.name.startswith(f".{site.out}.")
             and p.name.endswith(".tmp") and p.is_dir() and not p.is_symlink()]
    if not found:
        return None
    spare = max(found, key=lambda p: p.stat().st_mtime_ns)
    leftovers.remove(spare)
    return spare


def remove(folders: Iterable[Path]) -> None:
    """Delete ``folders`` and all they hold (what cannot be deleted stays)."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def strip(folder: Path) -> None:
    """Delete every file, link and special file below ``folder``, not following links, and
    keep its folders (a site folder replaced by a build that shares none of its files: the
    next build builds into it, :mod:`.recycling`). What cannot be deleted stays (the next
    build deletes it)."""
    for parent, folders, names in os.walk(folder):
        names.extend(name for name in folders if os.path.islink(os.path.join(parent, name)))
        for name in names:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(parent, name))


def find_leftovers(kb: KnowledgeBase, targets: Iterable[Path]) -> list[Path]:
    """What earlier builds left behind (killed ones, and the site folder a rebuild replaced:
    see :func:`kbtools.sites.builder.build_site`), for the caller to build into
    (:func:`take_spare`) or :func:`remove`; call with the build lock held, so that none of it
    belongs to a running build. A folder swap cut short is finished here.

    Only our own names are found: staging folders (``<state>/build/<site>/docs-*``, see
    :func:`~kbtools.sites.context.staging_dir`), output folders (``.site.*.tmp``,
    ``.site-public.*.tmp``) under ``<state>/build/<site>/`` and beside each target, and
    exchange folders (``<state>/build/exchange-*``, :func:`exchange_dir`); a folder
    swap cut short is finished (:func:`kbtools.atomic.recover_dir`). Raises
    :class:`StateError` when that cannot be done.
    """
    found = []
    for site in SITES.values():
        work = work_dir(kb, site)
        for pattern in ("docs-*", f".{site.out}.*.tmp"):
            found.extend(work.glob(pattern))
    found.extend(p for p in _build_root(kb).glob(f"{FOLDER_PREFIX}*")
                 if p.is_dir() and not p.is_symlink())
    for target in targets:
        try:
            atomic.recover_dir(target)
        except OSError as exc:
            raise StateError.of(exc, target, "restore the site folder of an interrupted "
                                "build") from exc
        found.extend(leftover for leftover in target.parent.glob(f".{target.name}.*.tmp")
                     if leftover.is_dir() and not leftover.is_symlink())
    return found


def work_dir(kb: KnowledgeBase, site: Site) -> Path:
    """``<state>/build/<site>/``: the staging folders' parent (see ``context.staging_dir``)."""
    return _build_root(kb) / site.name


def _build_root(kb: KnowledgeBase) -> Path:
    return kb.config.path(kb.config.state_dir) / "build"


def exchange_dir(kb: KnowledgeBase) -> Path:
    """A new, empty folder ``<state>/build/exchange-XXXX`` for the site builds of one
    ``kb build`` to leave each other bodies in (:mod:`.exchange`); the caller deletes it."""
    parent = _build_root(kb)
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=parent))


def output_dir(kb: KnowledgeBase, site: Site, target: Path, spare: Path | None) -> Path:
    """A folder, ``.<target name>.XXXX.tmp``, for MkDocs to build ``target`` in: ``spare``
    when it can be (the caller recycles it), else a new, empty one (``spare`` deleted).

    It lives under ``<state>/build/<site>/``, so that a killed build never leaves pages
    outside the site folders and the state folder, whenever that is on ``target``'s file
    system (the finished folder is renamed into place); else beside ``target``.
    """
    work = work_dir(kb, site)
    work.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    parent = work if work.stat().st_dev == target.parent.stat().st_dev else target.parent
    if spare is not None:
        if spare.parent == parent and spare.name.startswith(f".{target.name}."):
            return spare
        remove([spare])
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    temp.chmod(0o755)  # a site folder is served: not mkdtemp's private 0700
    return temp

