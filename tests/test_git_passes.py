"""A run reads the repository's git history once: the translation status pages, the
content-health page and the public pages' dates share one ``git log`` pass per process
(a real history of thousands of commits takes seconds to read)."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from kbtools.registry import open_kb
from kbtools.sites import build
from tests.support import REPO, copy_example, git_init


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """The example in a real git repository, with every git command the run starts
    written down (a ``git`` ahead of the real one on PATH that notes its command and runs
    the real one)."""
    root = copy_example(tmp_path / "kb")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    git_init(root)
    real = shutil.which("git")
    shim, log = tmp_path / "bin", tmp_path / "git-commands.txt"
    shim.mkdir()
    script = shim / "git"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")

    def commands() -> list[str]:
        return log.read_text().split() if log.exists() else []

    return root, commands


def test_both_sites_in_one_process_read_the_history_once(counted, tmp_path):
    root, commands = counted
    build(open_kb(root), out=tmp_path / "out", jobs=1)
    assert (tmp_path / "out/site/reports/health/index.html").is_file()
    assert (tmp_path / "out/site/reports/translations/index.html").is_file()
    assert commands().count("log") == 1


def test_each_process_of_a_parallel_build_reads_it_once(counted, tmp_path):
    root, commands = counted
    build(open_kb(root), out=tmp_path / "out", jobs=2)
    assert (tmp_path / "out/site-public/index.html").is_file()
    assert commands().count("log") == 2
