""""Was this helpful?": ``POST /api/feedback`` on a real ``kb serve --public`` (a real public
build, real HTTP on 127.0.0.1), the vote log, and the unhelpful articles in ``kb gaps`` and on
the content health page."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, datetime

import httpx
import pytest

from kbtools.errors import UsageError
from kbtools.feedback import entries, page_paths, record, unhelpful
from kbtools.feedback.pages import normalize_page
from kbtools.feedback.votes import Vote, log_path
from kbtools.registry import open_kb
from kbtools.review.health import health, render
from kbtools.search import gaps
from kbtools.server.feedback import VoteLimit
from kbtools.sites import build
from tests.support import article, make_kb
from tests.test_gaps import run
from tests.test_server import kb_serve

FILES = {
    "kb.yml": "languages: [en, ar]\n",
    "docs/index.md": article("Brightloop help center", "How can we help?\n", audience="public",
                             owner="ann", reviewed="2026-11-01"),
    "docs/faq/refund-policy.md": article(
        "What is your refund policy?",
        "You can ask for your money back within 30 days of a Brightloop payment.\n",
        audience="public", owner="ann", reviewed="2026-11-01"),
    "docs/faq/refund-policy.ar.md": article(
        "ما هي سياسة الاسترداد؟", "يمكنك طلب استرداد أموالك خلال 30 يومًا من الدفع.\n",
        owner="ann", reviewed="2026-11-01"),
    "docs/faq/late-fees.md": article(
        "Why was a late fee added to my invoice?",
        "Brightloop adds the late fee your supplier set once an invoice is 14 days overdue.\n",
        audience="public", owner="ann", reviewed="2026-11-01"),
    "docs/guide/escalation.md": article(
        "Escalation contacts", "Page the billing lead for disputed refunds.\n",
        owner="ann", reviewed="2026-11-01"),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("feedbackkb"), FILES)
    build(open_kb(root), ("public",))
    return root


@pytest.fixture(scope="module")
def server(root):
    with kb_serve(root, "--public") as url:
        yield url


def vote(url: str, body, *, origin: str | None = "SAME", content_type="application/json",
         headers: dict | None = None) -> httpx.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Content-Type": content_type, **(headers or {})}
    if origin is not None:
        sent["Origin"] = url if origin == "SAME" else origin
    return httpx.post(f"{url}/api/feedback", content=data, headers=sent)


def test_page_urls_map_to_articles(root):
    paths = page_paths(open_kb(root))
    assert paths["/faq/refund-policy/"] == "docs/faq/refund-policy.md"
    assert paths["/ar/faq/refund-policy/"] == "docs/faq/refund-policy.ar.md"
    assert paths["/ar/faq/late-fees/"] == "docs/faq/late-fees.md"  # the English fallback page
    assert paths["/"] == "docs/index.md"
    assert not [url for url in paths if "escalation" in url]


@pytest.mark.parametrize(("given", "expected"), [
    ("/faq/refund-policy/", "/faq/refund-policy/"), ("faq/refund-policy/", "/faq/refund-policy/"),
    ("/faq/refund-policy", "/faq/refund-policy/"), ("/ar/faq/index.html", "/ar/faq/"),
    ("/", "/"), ("index.html", "/"),
])
def test_normalize_page(given, expected):
    assert normalize_page(given) == expected


@pytest.mark.parametrize("given", ["", "https://evil.example/faq/", "/faq/../../etc/",
                                   "/faq//x/", "/faq/?q=1", 42, "/" + "a" * 400])
def test_normalize_page_refuses(given):
    with pytest.raises(UsageError, match="page must be"):
        normalize_page(given)


def test_votes_are_logged_with_the_article_path(root, server):
    before = len(list(entries(root / ".kb")))
    assert vote(server, {"page": "/ar/faq/refund-policy/", "lang": "ar",
                         "helpful": False}).status_code == 204
    answer = vote(server, {"page": "/ar/faq/late-fees/", "lang": "ar", "helpful": True})
    assert answer.status_code == 204
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert vote(server, {"page": "/", "lang": "en", "helpful": True}).status_code == 204
    logged = list(entries(root / ".kb"))[before:]
    assert [(v.page, v.path, v.lang, v.helpful) for v in logged] == [
        ("/ar/faq/refund-policy/", "docs/faq/refund-policy.ar.md", "ar", False),
        ("/ar/faq/late-fees/", "docs/faq/late-fees.md", "ar", True),
        ("/", "docs/index.md", "en", True)]
    line = json.loads(log_path(root / ".kb").read_text(encoding="utf-8").splitlines()[-1])
    assert set(line) == {"time", "page", "path", "lang", "helpful"}


@pytest.mark.parametrize(("body", "status", "message"), [
    (b"{not json", 400, "must be a JSON object"),
    (b"[1, 2]", 400, "must be a JSON object"),
    ({"page": "/faq/refund-policy/", "lang": "en", "helpful": True, "email": "a@b.example"},
     400, "unknown field email"),
    ({"page": "/faq/refund-policy/", "lang": "en"}, 400, "missing field helpful"),
    ({"page": "/faq/refund-policy/", "lang": "en", "helpful": "no"}, 400,
     "helpful must be true or false"),
    ({"page": "/faq/refund-policy/", "lang": "de", "helpful": True}, 400,
     "lang must be one of this site's languages (en, ar)"),
    ({"page": "/faq/no-such-answer/", "lang": "en", "helpful": False}, 400,
     "page /faq/no-such-answer/ is not a page of this site"),
    ({"page": "/guide/escalation/", "lang": "en", "helpful": False}, 400,
     "is not a page of this site"),
    ({"page": "/assets/kb/", "lang": "en", "helpful": False}, 400, "is not a page of this site"),
    ({"page": "https://evil.example/x/", "lang": "en", "helpful": False}, 400, "page must be"),
    ({"page": "/faq/refund-policy/", "lang": "en", "helpful": False, "pad": "x" * 2000}, 413,
     "over 1024 bytes"),
])
def test_bad_votes_are_refused_with_a_reason(root, server, body, status, message):
    before = len(list(entries(root / ".kb")))
    answer = vote(server, body)
    assert answer.status_code == status
    assert message in answer.json()["error"]
    assert len(list(entries(root / ".kb"))) == before


def test_votes_come_from_the_sites_own_pages_through_the_host_check(root, server):
    good = {"page": "/faq/refund-policy/", "lang": "en", "helpful": False}
    before = len(list(entries(root / ".kb")))
    assert vote(server, good, origin="https://evil.example").status_code == 403
    assert vote(server, good, origin=None).status_code == 403
    assert vote(server, good, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert vote(server, good, content_type="text/plain").status_code == 415
    port = server.rsplit(":", 1)[1]
    wrong = vote(server, good, headers={"Host": f"evil.example:{port}"})
    assert wrong.status_code == 421 and "misdirected request" in wrong.text
    assert len(list(entries(root / ".kb"))) == before


def test_internal_server_has_no_vote_endpoint(root):
    build(open_kb(root), ("internal",))
    with kb_serve(root) as url:
        answer = vote(url, {"page": "/faq/refund-policy/", "lang": "en", "helpful": True})
    assert answer.status_code == 405


def test_vote_limit_counts_a_window():
    limit = VoteLimit(limit=3, window=60)
    assert [limit.allow() for _ in range(5)] == [True, True, True, False, False]
    assert VoteLimit(limit=2, window=0).allow()  # an empty window forgets at once


def test_the_log_is_one_line_per_vote_under_concurrency_and_bounded(tmp_path):
    def many(n: int) -> None:
        for _ in range(50):
            record(tmp_path, page=f"/faq/p{n}/", path=f"docs/faq/p{n}.md", lang="en",
                   helpful=n % 2 == 0)

    threads = [threading.Thread(target=many, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    votes = list(entries(tmp_path))
    assert len(votes) == 200
    assert {v.page for v in votes} == {f"/faq/p{n}/" for n in range(4)}
    for _ in range(40):
        record(tmp_path, page="/faq/x/", path=None, lang="en", helpful=True, max_bytes=2000)
    current = log_path(tmp_path)
    assert current.stat().st_size <= 2000
    assert current.with_name("feedback.1.jsonl").stat().st_size <= 2000
    current.write_text(current.read_text() + '{"time": "cut short\n', encoding="utf-8")
    assert list(entries(tmp_path))[-1].page == "/faq/x/"


def _votes(rows):
    when = datetime(2026, 11, 20, 10, tzinfo=UTC)
    return [Vote(when, page, path, lang, helpful) for page, path, lang, helpful in rows]


def test_unhelpful_counts_per_article_and_language_worst_first():
    refund, fees = "docs/faq/refund-policy.md", "docs/faq/late-fees.md"
    rows = ([("/faq/refund-policy/", refund, "en", False)] * 3
            + [("/faq/refund-policy/", refund, "en", True)]
            + [("/ar/faq/refund-policy/", "docs/faq/refund-policy.ar.md", "ar", False)] * 2
            + [("/faq/late-fees/", fees, "en", False)] * 2
            + [("/faq/late-fees/", fees, "en", True)] * 2
            + [("/ar/faq/late-fees/", fees, "ar", True)] * 5
            + [("/", None, "en", False)] * 9)
    found = unhelpful(_votes(rows), min_votes=3)
    assert [(r.path, r.lang, r.votes, r.no_votes, r.helpful_share) for r in found] == [
        (refund, "en", 4, 3, 0.25), (fees, "en", 4, 2, 0.5)]
    # Arabic refund votes (2) are under the minimum; all-helpful Arabic late fees never listed.
    with_two = unhelpful(_votes(rows), min_votes=2)
    assert [(r.path, r.lang) for r in with_two] == [
        ("docs/faq/refund-policy.ar.md", "ar"), (refund, "en"), (fees, "en")]
    assert with_two[0].page == "/ar/faq/refund-policy/" and with_two[0].helpful_share == 0.0
    assert len(unhelpful(_votes(rows), min_votes=1, top=1)) == 1


def test_gaps_report_lists_unhelpful_articles_in_text_json_and_csv(tmp_path, monkeypatch):
    root = make_kb(tmp_path, FILES)
    monkeypatch.setenv("KB_AS_OF", "2026-11-20T10:00")
    for helpful in (False, False, False, True):
        record(root / ".kb", page="/faq/late-fees/", path="docs/faq/late-fees.md", lang="en",
               helpful=helpful)
    record(root / ".kb", page="/faq/refund-policy/", path="docs/faq/refund-policy.md",
           lang="en", helpful=False)
    report = gaps(open_kb(root))
    assert [(r.path, r.no_votes) for r in report.unhelpful] == [("docs/faq/late-fees.md", 3)]
    assert [(r.path, r.votes) for r in gaps(open_kb(root), min_votes=1).unhelpful] == [
        ("docs/faq/refund-policy.md", 1), ("docs/faq/late-fees.md", 4)]

    data = json.loads(run(root, "gaps", "--json").stdout)
    assert data["min_votes"] == 3
    assert data["unhelpful"] == [{
        "path": "docs/faq/late-fees.md", "lang": "en", "page": "/faq/late-fees/", "votes": 4,
        "no_votes": 3, "helpful_share": 0.25, "last_vote": "2026-11-20T10:00:00+00:00"}]
    rows = list(csv.DictReader(io.StringIO(run(root, "gaps", "--csv", "--min-votes", "1")
                                           .stdout)))
    assert [(r["list"], r["path"], r["votes"], r["no_votes"], r["helpful_share"])
            for r in rows] == [("unhelpful", "docs/faq/refund-policy.md", "1", "1", "0.0"),
                               ("unhelpful", "docs/faq/late-fees.md", "4", "3", "0.25")]
    text = run(root, "gaps").stdout
    assert "Unhelpful articles" in text and "docs/faq/late-fees.md" in text and "25%" in text
    since = json.loads(run(root, "gaps", "--json", "--since", "2026-11-21").stdout)
    assert since["unhelpful"] == []


def test_health_page_lists_unhelpful_articles(tmp_path, monkeypatch):
    root = make_kb(tmp_path, FILES)
    monkeypatch.setenv("KB_AS_OF", "2026-11-20T10:00")
    kb = open_kb(root)
    assert "No article has enough votes" in render(health(kb), kb.owners)
    for helpful in (False, False, True):
        record(root / ".kb", page="/ar/faq/late-fees/", path="docs/faq/late-fees.md",
               lang="ar", helpful=helpful)
    page = render(health(open_kb(root)), kb.owners)
    section = page.split("## Unhelpful articles", 1)[1]
    assert "| [Why was a late fee added to my invoice?](../faq/late-fees.md) | ar | 3 | 2 | 33% |" \
        in section
