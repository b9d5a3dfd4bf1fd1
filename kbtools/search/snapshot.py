"""File stats of everything an index is built from, to tell cheaply whether it is current.

``kb search`` compares a fresh snapshot (one ``stat`` per file, no parsing) with the one saved
in the live generation's manifest: when they are equal the knowledge base has not changed
since the index was built, and the query runs without loading the KB at all. Any difference
(an edit, a new file, a touched file) sends it down the full path: load, compare
fingerprints, update what changed.
"""

from __future__ import annotations

from pathlib import Path

from kbtools.content.config import CONFIG_FILE, Config
from kbtools.content.files import scan_tree

Snapshot = dict[str, list[int]]


def take(config: Config) -> Snapshot:
    """``{relative path: [mtime_ns, size]}`` for content, settings, facts and macros files.

    Content and facts are the repository's own regular files, walked as the loader walks them
    (:func:`kbtools.content.files.scan_tree`): no symbolic link is followed.
    """
    root = config.root
    tree = scan_tree(root, (*config.scanned_roots, config.facts_dir),
                     with_stat=(".md", ".yml", ".yaml"))
    found: Snapshot = {path: [stat.st_mtime_ns, stat.st_size] for path, stat in tree.stats.items()}
    for relative in (CONFIG_FILE, config.owners_file, config.macros_module):
        _stat(root / relative, relative, found)
    return found


def _stat(path: Path, relative: str, found: Snapshot) -> None:
    try:
        stat = path.stat()
    except OSError:
        return
    found[relative] = [stat.st_mtime_ns, stat.st_size]
