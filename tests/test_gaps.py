"""``kb gaps``: frequent, zero-result and unopened queries from the query log, by scope and
language, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
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
    assert entries[-1].query == "question 39 from <email> <number>"
    assert len(entries) < 40  # the oldest rotation was dropped
    current.write_text(current.read_text() + "not json\n")
    assert list(querylog.entries(tmp_path))[-1].results == 39


def site_log(state, monkeypatch) -> None:
    """A log as the site's search box and the terminal write it, with older lines."""
    monkeypatch.setenv("KB_AS_OF", "2026-11-20T10:00")
    # Lines from before the box logged settled queries: no event, via api.
    querylog.log_path(state).parent.mkdir(parents=True, exist_ok=True)
    querylog.log_path(state).write_text(
        '{"time": "2026-11-19T09:00:00+00:00", "query": "refund", "lang": "en", '
        '"results": 3, "scope": "internal", "via": "api"}\n', encoding="utf-8")
    search = querylog.record
    search(state, query="refund", lang="en", results=3, scope="internal", via="site")
    querylog.record_open(state, query="Refund", lang="en", scope="internal",
                         path="docs/faq/refund.md", rank=1)
    search(state, query="refund", lang="en", results=2, scope="public", via="site")
    search(state, query="refund", lang="en", results=2, scope="public", via="site")
    search(state, query="возврат", lang="ru", results=1, scope="public", via="site")
    search(state, query="crypto payout", lang=None, results=0, scope="public", via="site")
    search(state, query="=HYPERLINK(\"http://x.example\")", lang="en", results=0,
           scope="public", via="site")
    search(state, query="refund window", lang="en", results=4, scope="internal", via="cli")


def test_gaps_by_scope_and_language_with_unopened_results(tmp_path, monkeypatch):
    root = make_kb(tmp_path, {"docs/guide/a.md": article("Refunds", "How refunds work.\n")})
    site_log(root / ".kb", monkeypatch)
    report = gaps(open_kb(root))
    assert report.total == 8  # searches; the opened result is not one

    def rows(items):
        return [(r.query, r.scope, r.lang, r.count, r.opened) for r in items]

    assert rows(report.frequent) == [
        ("refund", "internal", "en", 2, 1), ("refund", "public", "en", 2, 0),
        ('=HYPERLINK("http://x.example")', "public", "en", 1, 0),
        ("crypto payout", "public", None, 1, 0), ("refund window", "internal", "en", 1, 0),
        ("возврат", "public", "ru", 1, 0)]
    assert rows(report.zero_results) == [('=HYPERLINK("http://x.example")', "public", "en", 1, 0),
                                         ("crypto payout", "public", None, 1, 0)]
    # Opened once internally; the terminal's "refund window" has no box to open results in.
    assert rows(report.unopened) == [("refund", "public", "en", 2, 0),
                                     ("возврат", "public", "ru", 1, 0)]
    assert report.frequent[0].last_results == 3
    assert report.frequent[0].last_seen == "2026-11-20T10:00:00+00:00"
    assert [r.query for r in gaps(open_kb(root), top=1).unopened] == ["refund"]

    data = json.loads(run(root, "gaps", "--json").stdout)
    assert set(data) == {"since", "total", "frequent", "zero_results", "unopened", "min_votes",
                         "unhelpful"}
    assert data["unopened"][0] == {"query": "refund", "scope": "public", "lang": "en",
                                   "count": 2, "opened": 0, "last_results": 2,
                                   "last_seen": "2026-11-20T10:00:00+00:00"}

    text = run(root, "gaps", "--csv").stdout
    table = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ("list,query,scope,lang,count,opened,last_results,last_seen,"
                                    "path,page,votes,no_votes,helpful_share")
    assert [(r["list"], r["query"], r["scope"], r["lang"], r["count"], r["opened"])
            for r in table if r["list"] != "frequent"] == [
        ("zero_results", "'=HYPERLINK(\"http://x.example\")", "public", "en", "1", "0"),
        ("zero_results", "crypto payout", "public", "", "1", "0"),
        ("unopened", "refund", "public", "en", "2", "0"),
        ("unopened", "возврат", "public", "ru", "1", "0")]
    assert len([r for r in table if r["list"] == "frequent"]) == 6
    assert {r["last_seen"] for r in table} == {"2026-11-20T10:00:00+00:00"}

    since = list(csv.DictReader(io.StringIO(run(root, "gaps", "--csv", "--since",
                                                "2026-11-21").stdout)))
    assert since == []
    shown = run(root, "gaps").stdout
    assert "Results nobody opened" in shown and "возврат" in shown and "public" in shown
    both = run(root, "gaps", "--csv", "--json", check=False)
    assert both.returncode == 2 and "--json and --csv cannot be combined" in both.stderr


def run(root, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(KB), "--root", str(root), *args], capture_output=True,
                            text=True, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result
