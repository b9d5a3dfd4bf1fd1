"""The parse cache: unchanged files come from it, anything else is read again."""

from __future__ import annotations

import os
import subprocess
import sys

from kbtools.content.check import check
from kbtools.registry import open_kb
from tests.support import article, make_kb

OLD_NS = 1_600_000_000 * 10**9  # September 2020: long before any cache write


def titles(root):
    return {a.path: a.title for a in open_kb(root).corpus.articles}


def rewrite_keeping_stat(path, text):
    """Change a file's content but keep its size, inode and mtime (the cache key)."""
    stat = path.stat()
    assert len(text.encode()) == stat.st_size
    with open(path, "r+", encoding="utf-8") as handle:  # in place: same inode
        handle.write(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_unchanged_files_come_from_the_cache(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("Alpha")})
    file = tmp_path / "docs/a.md"
    os.utime(file, ns=(OLD_NS, OLD_NS))
    assert titles(tmp_path) == {"docs/a.md": "Alpha"}
    assert (tmp_path / ".kb/cache/corpus.pickle").exists()
    rewrite_keeping_stat(file, file.read_text().replace("Alpha", "Omega"))
    # Same key: the cached parse is used (proof that the cache is read) ...
    assert titles(tmp_path) == {"docs/a.md": "Alpha"}
    # ... and any real edit (a new mtime) is seen.
    os.utime(file)
    assert titles(tmp_path) == {"docs/a.md": "Omega"}


def test_the_cache_one_process_wrote_is_read_by_the_next(tmp_path):
    # Each kb command is a process of its own: a cache only the process that wrote it could
    # read (its fingerprint once held the kinds' parse functions' addresses) never served.
    make_kb(tmp_path, {"docs/a.md": article("Alpha")})
    file = tmp_path / "docs/a.md"
    os.utime(file, ns=(OLD_NS, OLD_NS))

    def title_in_a_process() -> str:
        code = ("import sys; from kbtools.registry import open_kb; "
                "print(open_kb(sys.argv[1]).corpus.get('docs/a.md').title)")
        return subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True,
                              capture_output=True, text=True).stdout.strip()

    assert title_in_a_process() == "Alpha"
    rewrite_keeping_stat(file, file.read_text().replace("Alpha", "Omega"))
    assert title_in_a_process() == "Alpha"  # the first process's parse
    os.utime(file)
    assert title_in_a_process() == "Omega"


def test_an_edit_right_after_the_cache_write_is_never_trusted(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("Alpha")})
    file = tmp_path / "docs/a.md"
    assert titles(tmp_path) == {"docs/a.md": "Alpha"}
    rewrite_keeping_stat(file, file.read_text().replace("Alpha", "Omega"))
    assert titles(tmp_path) == {"docs/a.md": "Omega"}


def test_new_and_deleted_files(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("Alpha"), "docs/b.md": article("Beta")})
    assert set(titles(tmp_path)) == {"docs/a.md", "docs/b.md"}
    (tmp_path / "docs/b.md").unlink()
    (tmp_path / "docs/c.md").write_text(article("Gamma"))
    assert titles(tmp_path) == {"docs/a.md": "Alpha", "docs/c.md": "Gamma"}


def test_settings_change_drops_the_cache(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("Alpha"), "docs/a.ru.md": article("Альфа")})
    os.utime(tmp_path / "docs/a.ru.md", ns=(OLD_NS, OLD_NS))
    assert open_kb(tmp_path).corpus.get("docs/a.ru.md").lang == "ru"
    (tmp_path / "kb.yml").write_text("languages: [en, fa]\n")
    corpus = open_kb(tmp_path).corpus
    assert corpus.get("docs/a.ru.md").lang == "en"  # no longer a translation


def test_findings_are_cached_with_their_file(tmp_path):
    make_kb(tmp_path, {"docs/a.md": "---\ntitle: A\naudience: Public\n---\n"})
    os.utime(tmp_path / "docs/a.md", ns=(OLD_NS, OLD_NS))
    first = [f.format() for f in check(open_kb(tmp_path)).findings]
    second = [f.format() for f in check(open_kb(tmp_path)).findings]
    assert first == second == [
        "docs/a.md:3: error: unknown audience 'Public' (expected public|internal) [meta.audience]"]


def test_a_corrupt_cache_is_ignored_and_rewritten(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("Alpha")})
    assert titles(tmp_path)
    cache = tmp_path / ".kb/cache/corpus.pickle"
    cache.write_bytes(b"not a pickle")
    assert titles(tmp_path) == {"docs/a.md": "Alpha"}
    assert cache.read_bytes() != b"not a pickle"
