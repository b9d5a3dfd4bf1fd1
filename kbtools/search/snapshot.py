"""File stats of everything an index is built from, to tell cheaply whether it is current.

``kb search`` compares a fresh snapshot (one ``stat`` per file, no parsing) with the one saved
in the live generation's manifest: when they are equal the knowledge base has not changed
since the index was built, and the query runs without loading the KB at all. Any difference
(an edit, a new file, a touched file) sends it down the full path: load, compare
fingerprints, update what changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from kbtools.content.config import CONFIG_FILE, Config
from kbtools.content.corpus import CONTENT_ROOTS

Snapshot = dict[str, list[int]]


def take(config: Config) -> Snapshot:
    """``{relative path: [mtime_ns, size]}`` for content, settings, facts and macros files."""
    root = config.root
    found: Snapshot = {}
    for top in (*CONTENT_ROOTS, config.facts_dir):
        base = root / top
        if base.is_dir():
            _walk(base, root, found)
    for relative in (CONFIG_FILE, config.owners_file, config.macros_module):
        _stat(root / relative, relative, found)
    return found


def _walk(folder: Path, root: Path, found: Snapshot) -> None:
    prefix = folder.relative_to(root).as_posix()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                _walk(Path(entry.path), root, found)
            elif entry.name.endswith((".md", ".yml", ".yaml")):
                stat = entry.stat()
                found[f"{prefix}/{entry.name}"] = [stat.st_mtime_ns, stat.st_size]


def _stat(path: Path, relative: str, found: Snapshot) -> None:
    try:
        stat = path.stat()
    except OSError:
        return
    found[relative] = [stat.st_mtime_ns, stat.st_size]
