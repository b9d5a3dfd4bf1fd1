"""The search box's events (``POST /api/search/events``) and the query log they write: what is
accepted, from whom, in which scope; real ``kb serve`` processes on 127.0.0.1, real HTTP."""

from __future__ import annotations

import json

import httpx
import pytest

from kbtools.errors import UsageError
from kbtools.registry import open_kb
from kbtools.search import querylog, update_index
from kbtools.server.events import MAX_BODY_BYTES, SearchEvent, parse_event
from kbtools.server.security import same_origin
from tests.support import make_kb
from tests.test_search import CANARY, FILES
from tests.test_server import TOKEN, kb_serve, write_site

PASSWORD = "docs/faq/reset-password.md"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("eventskb"), FILES)
    write_site(root / "site")
    update_index(open_kb(root))
    return root


@pytest.fixture(scope="module")
def server(root):
    with kb_serve(root) as url:
        yield url


def lines(root) -> list[dict]:
    path = querylog.log_path(root / ".kb")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] \
        if path.exists() else []


def post(url: str, body, *, origin: str | None = None, headers: dict | None = None,
         content_type: str = "application/json") -> httpx.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Content-Type": content_type, **(headers or {})}
    if origin != "":  # "": send none
        sent["Origin"] = origin if origin is not None else url
    return httpx.post(f"{url}/api/search/events", content=data, headers=sent)


def test_searching_logs_nothing_and_events_log_one_line_each(root, server):
    before = len(lines(root))
    for fragment in ("p", "pa", "pas", "pass", "password"):
        assert httpx.get(f"{server}/api/search", params={"q": fragment}).status_code == 200
    assert len(lines(root)) == before

    assert post(server, {"event": "search", "query": "password"}).status_code == 204
    response = post(server, {"event": "open", "query": "password", "path": PASSWORD, "rank": 1})
    assert response.status_code == 204, response.text
    search, opened = lines(root)[before:]
    assert search == {"time": search["time"], "event": "search", "query": "password",
                      "lang": "en", "results": search["results"], "scope": "internal",
                      "via": "site"}
    assert search["results"] >= 1
    assert opened == {"time": opened["time"], "event": "open", "query": "password",
                      "lang": "en", "scope": "internal", "via": "site", "path": PASSWORD,
                      "rank": 1}


@pytest.mark.parametrize(("body", "status", "says"), [
    (b"{not json", 400, "JSON object"),
    ([1, 2], 400, "JSON object"),
    ({"event": "typed", "query": "x"}, 400, "event must be"),
    ({"event": "search", "query": "x", "ip": "203.0.113.9"}, 400, "unknown field ip"),
    ({"event": "search", "query": "   "}, 400, "query must be"),
    ({"event": "search", "query": "x" * 1000}, 400, "query must be"),
    ({"event": "search", "query": "x", "lang": "xx"}, 400, "unknown language"),
    ({"event": "open", "query": "password", "path": PASSWORD}, 400, "rank"),
    ({"event": "open", "query": "password", "path": PASSWORD, "rank": True}, 400, "rank"),
    ({"event": "open", "query": "password", "path": PASSWORD, "rank": 99}, 400, "rank"),
    ({"event": "open", "query": "password", "path": "docs/guide/old-process.md", "rank": 1},
     400, "not one of this query's results"),
    ({"event": "open", "query": "password", "path": "../../etc/passwd", "rank": 1},
     400, "not one of this query's results"),
    (b"{" + b" " * MAX_BODY_BYTES + b"}", 413, "over"),
])
def test_bad_events_are_refused_and_not_logged(root, server, body, status, says):
    before = lines(root)
    response = post(server, body)
    assert response.status_code == status, response.text
    assert says in response.json()["error"]
    assert lines(root) == before


@pytest.mark.parametrize(("origin", "headers", "content_type", "status"), [
    ("", {}, "application/json", 403),                      # no Origin (not a browser page)
    ("http://attacker.example", {}, "application/json", 403),
    ("null", {}, "application/json", 403),
    ("SERVER", {"Sec-Fetch-Site": "cross-site"}, "application/json", 403),
    ("SERVER", {"Sec-Fetch-Site": "same-site"}, "application/json", 403),
    ("SERVER", {}, "text/plain", 415),                       # a form or beacon from anywhere
    ("SERVER", {}, "application/x-www-form-urlencoded", 415),
])
def test_events_come_from_the_sites_own_pages_only(root, server, origin, headers,
                                                   content_type, status):
    before = lines(root)
    response = post(server, {"event": "search", "query": "refund"},
                    origin=server if origin == "SERVER" else origin, headers=headers,
                    content_type=content_type)
    assert response.status_code == status, response.text
    assert lines(root) == before


def test_the_scope_is_the_servers_decision(root):
    with kb_serve(root, env={"KB_SERVE_TOKEN": TOKEN}) as url:
        before = len(lines(root))
        # A customer cannot log an internal result as opened, nor log in internal scope.
        refused = post(url, {"event": "open", "query": CANARY,
                             "path": "docs/guide/escalation-contacts.md", "rank": 1})
        assert refused.status_code == 400
        assert post(url, {"event": "search", "query": CANARY}).status_code == 204
        agent = {"Authorization": f"Bearer {TOKEN}"}
        assert post(url, {"event": "search", "query": CANARY}, headers=agent).status_code == 204
        assert post(url, {"event": "open", "query": CANARY, "rank": 1,
                          "path": "docs/guide/escalation-contacts.md"},
                    headers=agent).status_code == 204
    logged = [(e["event"], e["scope"], e["results"] if e["event"] == "search" else e["path"])
              for e in lines(root)[before:]]
    assert logged == [("search", "public", 0), ("search", "internal", 1),
                      ("open", "internal", "docs/guide/escalation-contacts.md")]


@pytest.mark.parametrize(("headers", "expected"), [
    ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"}, True),
    ({"host": "kb.example.com", "origin": "https://kb.example.com"}, True),
    ({"host": "kb.example.com:443", "origin": "https://KB.example.com"}, True),
    ({"host": "[::1]:8000", "origin": "http://[::1]:8000"}, True),
    ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000",
      "sec-fetch-site": "same-origin"}, True),
    ({"host": "127.0.0.1:8000", "origin": "http://localhost:8000"}, False),
    ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8001"}, False),
    ({"host": "kb.example.com", "origin": "http://kb.example.com:8443"}, False),
    ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:99999"}, False),
    ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000",
      "sec-fetch-site": "same-site"}, False),
    ({"host": "127.0.0.1:8000"}, False),
    ({"origin": "http://127.0.0.1:8000"}, False),
    ({"host": "127.0.0.1:8000", "origin": "file://"}, False),
])
def test_same_origin(headers, expected):
    assert same_origin(headers) is expected


def test_parse_event_takes_only_the_known_fields():
    assert parse_event(b'{"event": "search", "query": "refund", "lang": "en"}') == SearchEvent(
        "search", "refund", "en")
    assert parse_event(b'{"event": "open", "query": "refund", "path": "docs/a.md", "rank": 2}'
                       ) == SearchEvent("open", "refund", None, "docs/a.md", 2)
    for body in (b'{"event": "search", "query": "x", "results": 3}',
                 b'{"event": "search", "query": "x", "path": "docs/a.md"}',
                 b'{"event": "open", "query": "x", "path": "", "rank": 1}',
                 b'{"event": "search", "query": 5}', b'\xff', b'null'):
        with pytest.raises(UsageError):
            parse_event(body)


def test_old_log_lines_read_back_as_searches(tmp_path):
    path = querylog.log_path(tmp_path)
    path.write_text(
        '{"time": "2026-11-01T10:00:00+00:00", "query": "refund", "lang": null, '
        '"results": 3, "scope": "internal", "via": "api"}\n'
        '{"time": "2026-11-01T10:00:01", "query": "hand edited", "results": "2"}\n'
        '{"time": "2026-11-01T10:00:02+00:00", "event": "clicked", "query": "x"}\n'
        '{"time": "yesterday", "query": "x"}\n', encoding="utf-8")
    querylog.record_open(tmp_path, query="refund", lang="en", scope="public",
                         path="docs/faq/refund.md", rank=2)
    read = list(querylog.entries(tmp_path))
    assert [(e.event, e.query, e.results, e.scope, e.via, e.lang, e.path, e.rank)
            for e in read] == [
        ("search", "refund", 3, "internal", "api", None, None, None),
        ("search", "hand edited", 2, "internal", "api", None, None, None),
        ("open", "refund", 0, "public", "site", "en", "docs/faq/refund.md", 2)]
    assert read[1].time.tzinfo is not None
