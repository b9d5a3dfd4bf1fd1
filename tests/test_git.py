"""kbtools.git on real repositories: one log pass, renames, blobs, and the unusual checkouts."""

from __future__ import annotations

import os
import shutil

import kbtools.git
from kbtools.git import changed_lines, diff_to_worktree, load_history, read_blobs
from tests.support import commit, git, git_init, write


def test_history_of_a_kb_in_a_subfolder(tmp_path):
    """Paths are relative to the KB root even when it is a folder inside the repository."""
    write(tmp_path, "kb/docs/a.md", "one\n")
    write(tmp_path, "src/code.py", "x = 1\n")
    first = git_init(tmp_path)
    write(tmp_path, "kb/docs/a.md", "one\ntwo\n")
    second = commit(tmp_path, "two")
    git(tmp_path, "mv", "kb/docs/a.md", "kb/docs/b.md")
    third = commit(tmp_path, "rename")
    write(tmp_path, "kb/docs/new.md", "draft\n")  # untracked
    history = load_history(tmp_path / "kb", ["docs"])
    assert history.available and history.prefix == "kb/" and not history.shallow
    assert history.commits == [third, second, first]
    assert history.last_commit("docs/b.md") == third and history.last_commit("src/code.py") is None
    assert history.since("docs/b.md", first) == ([third, second], "docs/a.md")
    assert history.since("docs/b.md", third) == ([], "docs/b.md")
    assert history.fate("docs/a.md") == ("renamed", "docs/b.md", third)
    assert history.fate("docs/b.md") is None
    assert history.resolve(first[:7]) == first and history.resolve("zzzz") is None
    assert history.dirty == frozenset({"docs/new.md"})
    blobs = read_blobs(history, [(first, "docs/a.md"), (second, "docs/a.md"),
                                 (third, "docs/a.md"), ("0" * 40, "docs/a.md")])
    assert blobs == {(first, "docs/a.md"): b"one\n", (second, "docs/a.md"): b"one\ntwo\n"}
    diff = diff_to_worktree(history, first, "docs/a.md", "docs/b.md")
    assert diff.splitlines()[-1] == "+two"
    assert diff_to_worktree(history, third, "docs/a.md", "docs/b.md") is None


def test_renamed_then_deleted_and_plain_deleted(tmp_path):
    write(tmp_path, "docs/a.md", "alpha beta gamma\n" * 5)
    write(tmp_path, "docs/c.md", "see\n")
    git_init(tmp_path)
    git(tmp_path, "mv", "docs/a.md", "docs/b.md")
    commit(tmp_path, "rename")
    git(tmp_path, "rm", "-q", "docs/b.md", "docs/c.md")
    gone = commit(tmp_path, "delete")
    history = load_history(tmp_path)
    assert history.fate("docs/a.md") == ("deleted", "docs/b.md", gone)
    assert history.fate("docs/c.md") == ("deleted", None, gone)
    assert history.fate("docs/never.md") is None


def test_unusual_checkouts_say_what_is_missing(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    history = load_history(plain)
    assert history.problem == "not a git checkout" and not history.available
    assert history.since("a.md", "abc") is None and read_blobs(history, [("a", "b")]) == {}
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    assert load_history(empty).problem == "the repository has no commits yet"
    repo = tmp_path / "repo"
    write(repo, "docs/a.md", "1\n")
    old = git_init(repo)
    write(repo, "docs/a.md", "2\n")
    commit(repo, "two")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    shallow = load_history(clone)
    assert shallow.shallow and shallow.available and len(shallow.commits) == 1
    assert shallow.resolve(old) is None


def test_changed_lines_counts_added_and_removed():
    assert changed_lines("a\nb\nc\n", "a\nB\nc\nd\n") == 3
    assert changed_lines("same\n", "same\n") == 0


def test_one_git_log_process_read_as_it_streams_gives_the_whole_history(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    write(repo, "docs/a.md", "0\n" * 20)
    git_init(repo)
    for n in range(1, 8):
        write(repo, f"docs/{'a' if n % 2 else 'b'}.md", f"{n}\n" * 20)
        commit(repo, f"c{n}")
    git(repo, "mv", "docs/b.md", "docs/c.md")
    renamed = commit(repo, "rename")
    calls = tmp_path / "calls"
    wrapper = tmp_path / "bin" / "git"  # records each git command, then runs the real git
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> {calls}\nexec {shutil.which("git")} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    whole = load_history(repo)
    assert calls.read_text().split().count("log") == 1
    assert len(whole.commits) == 9 and whole.commits[0] == renamed
    assert whole.since("docs/c.md", whole.commits[-1])[1] == "docs/b.md"
    monkeypatch.setattr(kbtools.git, "_READ_SIZE", 7)  # records cut across many reads
    small = load_history(repo)
    assert (small.commits, small.parents, small.changes) == \
        (whole.commits, whole.parents, whole.changes)
