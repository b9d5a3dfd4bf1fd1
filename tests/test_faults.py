"""Faults and concurrency with real processes and real signals: folder swaps killed at any
moment, killed builds, two builds at once, and state that cannot be written (a file where
``.kb/`` should be, a file-size limit), through the real ``kb`` command."""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kbtools import atomic
from kbtools.errors import StateError
from kbtools.registry import open_kb
from kbtools.search import update_index
from kbtools.search.indexer import store_for
from kbtools.sites.outputs import find_leftovers, remove
from tests.support import REPO, article, make_kb

KB = REPO / ".venv" / "bin" / "kb"
FILES_PER_TREE = 30

# A child that fills folders with FILES_PER_TREE files, all saying the tree's label (pid and
# generation), and swaps each into place, forever (or dies where MODE says). The test kills it
# at any moment.
SWAPPER = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    from kbtools import atomic

    work, target, mode, count = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if mode == "fallback":              # a system without renameat2
        atomic._renameat2 = lambda: None
    if mode == "die-after-exchange":    # swapped, the old tree not yet deleted
        shutil.rmtree = die
    if mode == "die-between-renames":   # the fallback's window: old moved aside, new not in
        atomic._renameat2 = lambda: None
        real = os.rename
        def rename(src, dst):
            if Path(dst).name.endswith(".old"):
                real(src, dst)
                die()
            real(src, dst)
        os.rename = rename
    generation = 0
    while True:
        generation += 1
        label = f"{os.getpid()}-{generation}"
        staged = work / label
        staged.mkdir()
        for n in range(count):
            (staged / f"file-{n}").write_text(label)
        atomic.replace_dir(staged, target)
        if mode == "once":
            break
""")


def swapper(work: Path, target: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SWAPPER, str(work), str(target), mode,
                             str(FILES_PER_TREE)], cwd=REPO)


def label_of(tree: Path) -> str:
    """The one label every file of ``tree`` says (asserting the tree is complete)."""
    names = sorted(p.name for p in tree.iterdir())
    assert names == sorted(f"file-{n}" for n in range(FILES_PER_TREE))
    [label] = {p.read_text() for p in tree.iterdir()}
    return label


@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_a_folder_swap_killed_at_random_moments_leaves_the_old_or_the_new_tree(tmp_path, mode):
    work, target = tmp_path / "work", tmp_path / "site"
    work.mkdir()
    seen = set()
    rng = random.Random(7)
    for _ in range(8):
        child = swapper(work, target, mode)
        time.sleep(rng.uniform(0.05, 0.15))
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
        if mode == "fallback":
            atomic.recover_dir(target)  # what the next replace_dir does first
        assert target.exists() or not seen  # once there, never missing
        if target.exists():
            seen.add(label_of(target))
    assert len(seen) > 1  # the kills did land while trees were being swapped


def test_killed_right_after_the_exchange_the_new_tree_is_in_place(tmp_path):
    work, target = tmp_path / "work", tmp_path / "site"
    work.mkdir()
    first = swapper(work, target, "once")
    assert first.wait(timeout=10) == 0
    child = swapper(work, target, "die-after-exchange")
    assert child.wait(timeout=10) == -signal.SIGKILL
    assert label_of(target) == f"{child.pid}-1"  # the new tree, complete
    # the old one, where the new one was built, for the caller's cleanup
    assert label_of(work / f"{child.pid}-1") == f"{first.pid}-1"


def test_killed_between_the_fallback_renames_the_old_tree_comes_back(tmp_path):
    work, target = tmp_path / "work", tmp_path / "site"
    work.mkdir()
    first = swapper(work, target, "once")
    assert first.wait(timeout=10) == 0
    child = swapper(work, target, "die-between-renames")
    assert child.wait(timeout=10) == -signal.SIGKILL
    assert not target.exists()  # the documented window
    atomic.recover_dir(target)
    assert label_of(target) == f"{first.pid}-1"  # the old tree, complete
    staged = work / f"{child.pid}-1"
    atomic.replace_dir(staged, target)  # and the next swap works as usual
    assert label_of(target) == f"{child.pid}-1" and not staged.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "work"]


def test_exchange_swaps_two_folders_in_one_step_on_this_system(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "from-a").touch()
    assert atomic.exchange(tmp_path / "a", tmp_path / "b")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["from-a"]
    assert not any((tmp_path / "a").iterdir())
    with pytest.raises(FileNotFoundError):
        atomic.exchange(tmp_path / "a", tmp_path / "missing")


# --- kb build: one at a time, and nothing left behind by a killed one -----------------------

GATE_MACROS = """\
import os, time
from pathlib import Path


def define_env(env):
    @env.macro
    def gate():
        # Under test only: hold the build here (lock held, output half written) until told.
        # kb check renders pages too (macro limits): hold only once the site is being written.
        folder = os.environ.get("KB_TEST_GATE")
        building = Path(os.environ.get("KB_TEST_ROOT", "."), ".kb", "build")
        if folder and any(building.glob("*/.site*.tmp")):
            Path(folder, "entered").write_text(str(os.getpid()))
            while not Path(folder, "go").exists():
                time.sleep(0.02)
        return ""
"""


def gated_kb(root: Path) -> Path:
    return make_kb(root, {
        "kb.yml": "languages: [en]\n",
        "macros/main.py": GATE_MACROS,
        "docs/index.md": article("Home", "Hello.\n"),
        "docs/guide/held.md": article("Held", "Internal notes.{{ gate() }}\n", owner="ann"),
        "docs/faq/a.md": article("A", "Public answer.\n", audience="public"),
    })


def run_kb(root: Path, *args: str, env: dict | None = None,
           limit: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(KB), "--root", str(root), *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})},
                          preexec_fn=None if limit is None else (lambda: _limit_files(limit)))


def _limit_files(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def start_gated_build(root: Path, gate: Path, *args: str) -> subprocess.Popen:
    gate.mkdir()
    build = subprocess.Popen([str(KB), "--root", str(root), "build", *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "KB_TEST_GATE": str(gate),
                                  "KB_TEST_ROOT": str(root)})
    deadline = time.monotonic() + 60
    while not (gate / "entered").exists():
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return build


def test_two_builds_at_once_the_second_says_busy_and_exits_2(tmp_path):
    root = gated_kb(tmp_path / "kb")
    gate = tmp_path / "gate"
    first = start_gated_build(root, gate, "--only", "internal")
    second = run_kb(root, "build", "--only", "internal")
    assert second.returncode == 2, second.stderr
    [line] = second.stderr.splitlines()
    assert line.startswith(f"kb: error: the sites of {root} are being built by another "
                           f"process (pid {first.pid}, since ")
    assert line.endswith("); wait for it to finish, then run the command again")
    (gate / "go").touch()
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert (root / "site" / "guide" / "held" / "index.html").is_file()


def test_a_killed_build_leaves_no_pages_outside_site_and_kb_and_the_next_one_cleans_up(
        tmp_path):
    root = gated_kb(tmp_path / "kb")
    old = root / "site"
    old.mkdir()
    (old / "index.html").write_text("the previous build")
    before = sorted(p.name for p in root.iterdir())
    build = start_gated_build(root, tmp_path / "gate", "--only", "internal")
    build.send_signal(signal.SIGKILL)
    assert build.wait(timeout=10) == -signal.SIGKILL
    assert sorted(p.name for p in root.iterdir()) == sorted({*before, ".kb"})
    assert (old / "index.html").read_text() == "the previous build"
    work = root / ".kb" / "build" / "internal"
    [output] = work.iterdir()  # its half-built site, in .kb/
    assert output.name.startswith(".site.") and output.name.endswith(".tmp")
    # its staged pages, in .kb/ too: the staging folder kept for the next build
    assert (root / ".kb" / "cache" / "staged" / "internal" / "guide" / "held.md").is_file()

    result = run_kb(root, "build", "--only", "internal")
    assert result.returncode == 0, result.stderr
    # it built into the killed build's folder (kbtools.sites.recycling), and kept the
    # folders, only, of the site it replaced, for the next one
    assert [p for p in work.rglob("*") if not p.is_dir()] == []
    assert len(list(work.iterdir())) <= 1
    assert sorted(p.name for p in root.iterdir()) == sorted({*before, ".kb"})
    assert "Internal notes." in (old / "guide" / "held" / "index.html").read_text()


def test_leftovers_of_older_versions_beside_the_site_are_removed_too(tmp_path):
    root = make_kb(tmp_path, {"kb.yml": "languages: [en]\n",
                              "docs/faq/a.md": article("A", "Hi.\n", audience="public")})
    stale = root / ".site-public.k1ll3d.tmp"
    (stale / "guide").mkdir(parents=True)
    (stale / "guide" / "internal.html").write_text("internal")
    aside = root / ".site-public.old"  # a two-rename swap cut short: no site-public/ at all
    aside.mkdir()
    (aside / "index.html").write_text("the previous build")
    mine = root / ".site-public.notes"  # not our naming: left alone
    mine.mkdir()
    remove(find_leftovers(open_kb(root), [root / "site-public"]))
    assert not stale.exists() and not aside.exists() and mine.is_dir()
    assert (root / "site-public" / "index.html").read_text() == "the previous build"


# --- state that cannot be written: one line, exit 2, the previous state kept ----------------

def small_kb(root: Path) -> Path:
    return make_kb(root, {"kb.yml": "languages: [en]\n",
                          "docs/faq/alpha.md": article("Alpha", "Alpha words here.\n",
                                                       audience="public"),
                          "docs/guide/beta.md": article("Beta", "Beta words.\n")})


def one_error_line(result: subprocess.CompletedProcess, *parts: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("kb: error: cannot ")
    for part in parts:
        assert part in line, line


def test_a_file_where_the_state_folder_should_be(tmp_path):
    root = small_kb(tmp_path)
    (root / ".kb").write_text("not a folder")
    old = root / "site-public"
    old.mkdir()
    (old / "index.html").write_text("the previous build")
    cause = "File exists [EEXIST] (a file is where a folder is expected: move it away)"
    one_error_line(run_kb(root, "index"), f"{root / '.kb' / 'index.lock'}", cause)
    one_error_line(run_kb(root, "search", "alpha"), f"{root / '.kb'}: {cause}")
    one_error_line(run_kb(root, "build", "--only", "public"), f"{root / '.kb' / 'build.lock'}",
                   cause)
    assert (root / ".kb").read_text() == "not a folder"
    assert [p.name for p in old.iterdir()] == ["index.html"]


TOO_LARGE = "File too large [EFBIG] (a file-size limit stopped the write: see `ulimit -f`)"


def test_a_file_size_limit_stops_kb_index_and_keeps_the_previous_index(tmp_path):
    root = small_kb(tmp_path)
    update_index(open_kb(root))
    store = store_for(open_kb(root))
    good = store.current_name()
    result = run_kb(root, "index", "--full", limit=1024)
    one_error_line(result, f"update the search index: {store.base}: {TOO_LARGE}",
                   "the previous index is unchanged")
    assert store.current_name() == good
    assert not list(store.base.glob(".build-*"))
    found = run_kb(root, "search", "alpha", "--json")
    assert found.returncode == 0 and json.loads(found.stdout)["total"] == 1
    assert store.current_name() == good


def test_a_file_size_limit_stops_kb_build_and_keeps_the_previous_site(tmp_path):
    root = small_kb(tmp_path)
    old = root / "site-public"
    old.mkdir()
    (old / "index.html").write_text("the previous build")
    result = run_kb(root, "build", "--only", "public", limit=4096)
    one_error_line(result, f"build the public site into {old}: ", TOO_LARGE,
                   "the folder is as it was")
    assert [p.name for p in old.iterdir()] == ["index.html"]
    assert (old / "index.html").read_text() == "the previous build"
    assert list((root / ".kb" / "build" / "public").iterdir()) == []
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == [".kb"]


def test_a_query_log_that_cannot_be_written_never_fails_the_search(tmp_path):
    root = small_kb(tmp_path)
    update_index(open_kb(root))
    log = root / ".kb" / "queries.jsonl"
    log.write_text("x" * 2048 + "\n")  # already past the limit the search runs under
    result = run_kb(root, "search", "alpha", "--json", limit=1024)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["path"] == "docs/faq/alpha.md"
    assert result.stderr == (f"kb: warning: cannot log the query: {log}: {TOO_LARGE}; "
                             "the search itself worked\n")
    text = run_kb(root, "search", "alpha", limit=1024)
    assert text.returncode == 0 and "docs/faq/alpha.md" in text.stdout
    assert log.read_text() == "x" * 2048 + "\n"


def test_state_errors_name_the_path_the_cause_and_the_fix():
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    error = StateError.of(full, "/kb/.kb/index", "update the search index",
                          kept="the previous index is unchanged")
    assert error.path == "/kb/.kb/index"
    assert str(error) == ("cannot update the search index: /kb/.kb/index: No space left on "
                          "device [ENOSPC] (the disk is full: free some space); the previous "
                          "index is unchanged")
    copy = OSError(errno.EROFS, os.strerror(errno.EROFS), "/src/a.js", None, "/kb/site/a.js")
    assert StateError.of(copy, "/kb/site", "build").path == "/kb/site/a.js"


def test_a_new_file_is_readable_by_others_as_open_would_make_it(tmp_path):
    """Built sites are served by a web server running as another user."""
    import os
    import stat

    from kbtools import atomic

    old = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "new.html", "<p>hi</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o644
    (tmp_path / "kept.txt").write_text("x")
    (tmp_path / "kept.txt").chmod(0o600)
    atomic.write_text(tmp_path / "kept.txt", "y")
    assert stat.S_IMODE((tmp_path / "kept.txt").stat().st_mode) == 0o600


def test_a_file_written_piece_by_piece_replaces_the_old_one_only_when_complete(tmp_path):
    """``atomic.writer``: what the page cache's manifest is streamed through."""
    path = tmp_path / "manifest.json"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic.writer(path) as handle:
        handle.write(b'{"pages":{')
        assert path.read_bytes() == b"old"  # nothing visible while it is being written
        raise RuntimeError("killed mid-write")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temporary left
    with atomic.writer(path) as handle:
        handle.write(b'{"pages":')
        handle.write(b"{}}")
    assert path.read_bytes() == b'{"pages":{}}'
