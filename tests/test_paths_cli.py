"""``kb path``: the terminal view, the lead's --check, JSON, and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from tests.support import article
from tests.test_paths import PATH, PLAYBOOK, path_kb


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KB_AS_OF", "2026-11-23")


def run(root, *args):
    result = CliRunner().invoke(main, ["--root", str(root), "path", *args],
                                catch_exceptions=False)
    return result


def test_shows_stages_steps_minutes_and_total(tmp_path):
    path_kb(tmp_path)
    result = run(tmp_path, "first-weeks")
    assert result.exit_code == 0
    out = result.stdout
    assert "First weeks" in out and "Support specialist 1" in out
    assert "1. Week 1 (1h 30m)" in out and "2. Week 2 (25m)" in out
    assert "Invoices overview" in out and "docs/products/invoices.md" in out
    assert "Read the examples twice." in out
    assert "quiz [w2-quiz] Pick the two facts. (choose 2 of 3)" in out
    assert "task [w1-task] Rewrite a draft. (signed off by mentor)" in out
    assert out.rstrip().endswith("Total 1h 55m over 3 steps")


def test_marks_stale_and_missing_steps(tmp_path):
    old = article("Outage", "Page people.\n", owner="ann", reviewed="2025-01-10", **PLAYBOOK)
    path_kb(tmp_path, PATH.replace("docs/tone/voice.md", "docs/legacy/greeting-rules.md"),
            **{"playbooks/outage.md": old})
    result = run(tmp_path, "docs/onboarding/first-weeks.md")
    assert result.exit_code == 0
    assert "! overdue for review" in result.stdout
    assert "! missing" in result.stdout
    assert "2 problem(s): run kb path docs/onboarding/first-weeks.md --check" in result.stdout


def test_check_lists_problems_and_exits_1(tmp_path):
    old = article("Outage", "Page people.\n", owner="ann", reviewed="2025-01-10", **PLAYBOOK)
    path_kb(tmp_path, PATH.replace("docs/tone/voice.md", "docs/legacy/greeting-rules.md"),
            **{"playbooks/outage.md": old})
    result = run(tmp_path, "first-weeks", "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "docs/onboarding/first-weeks.md:10: error: step docs/legacy/greeting-rules.md does not exist; "
        "fix the path or remove the step [path.missing-step]",
        "docs/onboarding/first-weeks.md:26: warning: step playbooks/outage.md is overdue for "
        "review (due 2025-04-10, owner ann); review it or pick another article "
        "[path.stale-step]",
    ]
    assert "2 problem(s) in first-weeks" in result.stderr


def test_check_of_a_clean_path_exits_0(tmp_path):
    path_kb(tmp_path)
    result = run(tmp_path, "first-weeks", "--check")
    assert (result.exit_code, result.stdout) == (0, "")


def test_check_includes_format_errors_from_loading(tmp_path):
    path_kb(tmp_path, PATH.replace("level: specialist-1", "level: wizard"))
    result = run(tmp_path, "first-weeks", "--check", "--json")
    assert result.exit_code == 1
    codes = [(f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert codes == [(4, "path.level")]


def test_json_view(tmp_path):
    kb = path_kb(tmp_path)
    data = json.loads(run(tmp_path, "first-weeks", "--json").stdout)
    assert (data["path"], data["level"], data["minutes"]) == (
        "docs/onboarding/first-weeks.md", "specialist-1", 115)
    step = data["stages"][0]["steps"][0]
    assert step["content_hash"] == kb.corpus.get("docs/products/invoices.md").content_hash
    assert step["url"] == "../../products/invoices/"
    assert data["stages"][1]["steps"][0]["url"] == "../../playbooks/outage/"
    quiz = data["stages"][1]["checkpoints"][0]
    assert quiz["select"] == 2 and [c["correct"] for c in quiz["choices"]] == [True, True, False]


def test_unknown_path_exits_2_naming_known_paths(tmp_path):
    path_kb(tmp_path)
    result = run(tmp_path, "last-weeks")
    assert result.exit_code == 2
    assert "no onboarding path 'last-weeks' in docs/onboarding/ (known: first-weeks)" \
        in result.stderr


def test_without_name_lists_paths_by_level(tmp_path):
    senior = PATH.replace("level: specialist-1", "level: senior").replace(
        "title: First weeks", "title: Becoming senior")
    path_kb(tmp_path, **{"docs/onboarding/senior.md": senior})
    data = json.loads(run(tmp_path, "--json").stdout)
    assert [(p["path"], p["level"]) for p in data] == [
        ("docs/onboarding/first-weeks.md", "specialist-1"),
        ("docs/onboarding/senior.md", "senior"),
    ]
    assert run(tmp_path).exit_code == 0
