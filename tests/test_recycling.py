"""The folder a rebuild builds into when it is the site folder an earlier build replaced
(``kbtools.sites.recycling``): only the live site's own files at the same place stay, no
link is followed, nothing is written into the live site, and what no page takes goes."""

from __future__ import annotations

import os
from pathlib import Path

from kbtools.sites.recycling import Recycled, identity


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() + ("/" if p.is_dir() else "")
                  for p in folder.rglob("*"))


def make(folder: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")


def live_identity(live: Path):
    def find(dest: str):
        try:
            return identity(os.lstat(live / dest))
        except OSError:
            return None
    return find


def one_page_linked(tmp_path: Path, text: str) -> tuple[Path, Path, Recycled]:
    """A live site of one page (``text``), and a folder holding a link to it, recycled."""
    live, spare = tmp_path / "live", tmp_path / "spare"
    make(live, {"a/index.html": text})
    (spare / "a").mkdir(parents=True)
    os.link(live / "a/index.html", spare / "a/index.html")
    return live, spare, Recycled(spare, {"a/index.html"}, live_identity(live))


def test_only_the_live_sites_own_pages_stay(tmp_path):
    live, spare, outside = tmp_path / "live", tmp_path / "spare", tmp_path / "outside"
    make(live, {"a/index.html": "A", "b/index.html": "B", "c/index.html": "C",
                "f/index.html": "F", "sitemap.xml": "S"})
    make(outside, {"secret.html": "secret"})
    make(spare, {"b/index.html": "B", "d/x.html": "junk"})  # b: the same bytes, not the file
    for dest in ("a/index.html", "c/index.html", "f/index.html", "sitemap.xml"):
        (spare / dest).parent.mkdir(parents=True, exist_ok=True)
        os.link(live / dest, spare / dest)
    (spare / "e").mkdir()
    (spare / "out").symlink_to(outside, target_is_directory=True)
    (spare / "a/secret.html").symlink_to(outside / "secret.html")
    pages = {"a/index.html", "b/index.html", "f/index.html"}  # (not c: no page of the manifest)
    before = {p: (live / p).read_text(encoding="utf-8") for p in tree(live) if "." in p}

    recycled = Recycled(spare, pages, live_identity(live))
    assert tree(spare) == ["a/", "a/index.html", "b/", "c/", "d/", "e/", "f/", "f/index.html"]
    assert recycled.take("a/index.html", identity(os.lstat(live / "a/index.html")))
    assert not recycled.take("b/index.html", identity(os.lstat(live / "b/index.html")))
    recycled.vacate(["f"])  # a file to be written where a page's folder was
    assert not (spare / "f").exists()
    recycled.finish()

    assert tree(spare) == ["a/", "a/index.html"]
    assert recycled.taken == 1
    assert (spare / "a/index.html").stat().st_ino == (live / "a/index.html").stat().st_ino
    assert {p: (live / p).read_text(encoding="utf-8") for p in before} == before
    assert (outside / "secret.html").read_text(encoding="utf-8") == "secret"


def test_a_kept_file_a_page_will_be_written_at_is_removed_first(tmp_path):
    # MkDocs writes a page into the file at its path: were it still the live site's file,
    # the live site would change before the swap.
    live, spare, recycled = one_page_linked(tmp_path, "old")
    recycled.vacate(["a/index.html", "assets/x.css"])
    (spare / "a/index.html").write_text("new", encoding="utf-8")
    recycled.finish()
    assert (live / "a/index.html").read_text(encoding="utf-8") == "old"
    assert (spare / "a/index.html").read_text(encoding="utf-8") == "new"


def test_a_kept_file_changed_since_is_not_taken(tmp_path):
    live, spare, recycled = one_page_linked(tmp_path, "A")
    expected = identity(os.lstat(live / "a/index.html"))
    (live / "a/index.html").write_text("A, longer now", encoding="utf-8")  # the same inode
    assert not recycled.take("a/index.html", expected)
    assert not (spare / "a/index.html").exists()



def test_a_language_carried_over_is_the_live_ones_files_kept_or_linked(tmp_path):
    from kbtools.sites.recycling import carry

    live, spare, outside = tmp_path / "live", tmp_path / "spare", tmp_path / "outside"
    make(live, {"ru/a/index.html": "A", "ru/b/index.html": "B", "ru/sitemap.xml": "S"})
    make(outside, {"x.html": "X"})
    (live / "ru/link.html").symlink_to(outside / "x.html")
    (spare / "ru/a").mkdir(parents=True)
    os.link(live / "ru/a/index.html", spare / "ru/a/index.html")
    make(spare, {"ru/gone/index.html": "gone"})
    recycled = Recycled(spare, {"ru/a/index.html", "ru/gone/index.html"}, live_identity(live))
    make(spare, {"ru/sitemap.xml": "written by the build"})
    carry(live / "ru", spare / "ru", "ru/", recycled)
    recycled.finish()
    assert tree(spare) == ["ru/", "ru/a/", "ru/a/index.html", "ru/b/", "ru/b/index.html",
                           "ru/sitemap.xml"]  # the link out is left out
    assert recycled.taken == 1
    for name in ("ru/a/index.html", "ru/b/index.html", "ru/sitemap.xml"):
        assert (spare / name).stat().st_ino == (live / name).stat().st_ino


def test_a_stripped_folder_keeps_its_folders_only_and_follows_no_link(tmp_path):
    from kbtools.sites.outputs import strip

    old, outside = tmp_path / "old", tmp_path / "outside"
    make(old, {"a/index.html": "A", "a/b/index.html": "B", "sitemap.xml": "S"})
    make(outside, {"x/y.html": "Y"})
    (old / "a/out").symlink_to(outside, target_is_directory=True)
    (old / "a/link.html").symlink_to(outside / "x/y.html")
    strip(old)
    assert tree(old) == ["a/", "a/b/"]
    assert tree(outside) == ["x/", "x/y.html"]
