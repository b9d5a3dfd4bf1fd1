"""The kb command: exit codes, --root, --json, and that it runs as an installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kbtools.cli import main
from tests.support import REPO, article, make_kb


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_clean_kb_exits_0(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A", owner="ann")})
    result = run("--root", str(tmp_path), "check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "0 error(s), 0 warning(s) in 1 articles" in result.stderr


def test_errors_exit_1_and_print_path_line(tmp_path):
    make_kb(tmp_path, {"docs/a.md": "---\ntitle: A\naudience: Public\n---\n",
                       "docs/b.md": article("B", owner="nobody")})
    result = run("--root", str(tmp_path), "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "docs/a.md:3: error: unknown audience 'Public' (expected public|internal) [meta.audience]",
        "docs/b.md:3: error: unknown owner 'nobody': declare it in owners.yml [meta.unknown-owner]",
    ]


def test_warnings_alone_exit_0(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A"), "docs/a.de.md": article("A de")})
    assert run("--root", str(tmp_path), "check").exit_code == 0


def test_json_output(tmp_path):
    make_kb(tmp_path, {"docs/a.md": "---\ntitle: A\nreviewed: someday\n---\n"})
    result = run("--root", str(tmp_path), "check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == {"articles": 1, "errors": 1, "warnings": 0, "findings": [{
        "path": "docs/a.md", "line": 3, "code": "meta.date", "severity": "error", "col": None,
        "source": None,
        "message": "invalid date 'someday' for reviewed: expected YYYY-MM-DD"}]}


def test_unusable_settings_exit_2_with_the_finding_and_one_error_line(tmp_path):
    make_kb(tmp_path, {"kb.yml": "langauges: [en]\n"})
    result = run("--root", str(tmp_path), "check")
    assert result.exit_code == 2
    # unified format: the finding at its line, then one `kb: error:` line
    assert result.stderr.startswith("kb.yml:1: error: unknown setting 'langauges'")
    assert result.stderr.splitlines()[-1] == (
        "kb: error: kb.yml cannot be used until its problem is fixed")
    assert len(result.stderr.splitlines()) == 2 and result.stdout == ""
    assert "Traceback" not in result.output


def test_missing_root_exits_2(tmp_path):
    result = run("--root", str(tmp_path / "nope"), "check")
    assert result.exit_code == 2
    assert "not a folder" in result.stderr


def test_installed_console_script_checks_the_example(tmp_path):
    kb = shutil.which("kb", path=str(Path(sys.executable).parent)) or shutil.which("kb")
    assert kb, "the kb console script is installed by `pip install -e .`"
    done = subprocess.run([kb, "--root", str(REPO), "check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s)" in done.stderr
