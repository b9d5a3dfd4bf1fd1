"""``kb gaps``: frequent and zero-result queries from the query log."""

from __future__ import annotations

import json
import subprocess

from kbtools.registry import open_kb
from kbtools.search import gaps, querylog
from tests.support import REPO, article, make_kb

KB = REPO / ".venv" / "bin" / "kb"


def test_gaps_ranks_frequent_and_zero_result_queries(tmp_path, monkeypatch):
    root = make_kb(tmp_path, {"docs/guide/a.md": article("Refunds", "How refunds work.\n")})
    state = root / ".kb"
    monkeypatch.setenv("KB_AS_OF", "2026-11-01T10:00")
    querylog.record(state, query="old question", lang=None, results=0, scope="internal",
                    via="api")
    monkeypatch.setenv("KB_AS_OF", "2026-11-20T10:00")
    for text, results in (("Refund", 4), ("refund ", 4), ("REFUND", 3), ("crypto payout", 0),
                          ("crypto  payout", 0), ("invoice", 2)):
        querylog.record(state, query=text, lang="en", results=results, scope="internal",
                        via="api")
    report = gaps(open_kb(root))
    assert report.total == 7
    assert [(q.query, q.count) for q in report.frequent[:2]] == [("Refund", 3), ("crypto payout", 2)]
    assert [(q.query, q.count) for q in report.zero_results] == [("crypto payout", 2),
                                                                  ("old question", 1)]
    assert report.frequent[0].last_results == 3

    result = subprocess.run([str(KB), "--root", str(root), "gaps", "--since", "2026-11-10",
                             "--json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["since"] == "2026-11-10" and data["total"] == 6
    assert [z["query"] for z in data["zero_results"]] == ["crypto payout"]

    table = subprocess.run([str(KB), "--root", str(root), "gaps"], capture_output=True,
                           text=True, timeout=60)
    assert "Found nothing" in table.stdout and "crypto payout" in table.stdout
    bad = subprocess.run([str(KB), "--root", str(root), "gaps", "--since", "last week"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "invalid date 'last week'" in bad.stderr


def test_log_is_bounded_and_masks_personal_data(tmp_path):
    for n in range(40):
        querylog.record(tmp_path, query=f"question {n} from ann@example.com 12345678",
                        lang=None, results=n, scope="public", via="cli", max_bytes=2000)
    current = querylog.log_path(tmp_path)
    rotated = current.with_name("queries.1.jsonl")
    assert current.stat().st_size <= 2000 and rotated.stat().st_size <= 2000
    entries = list(querylog.entries(tmp_path))
    assert entries[-1]["query"] == "question 39 from <email> <number>"
    assert len(entries) < 40  # the oldest rotation was dropped
    current.write_text(current.read_text() + "not json\n")
    assert list(querylog.entries(tmp_path))[-1]["results"] == 39
