"""``kb serve`` as agents and customers meet it: a real uvicorn process on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import subprocess
import time
import urllib.parse
from pathlib import Path

import httpx
import pytest

from kbtools import clock
from kbtools.errors import UsageError
from kbtools.registry import open_kb
from kbtools.search import update_index
from kbtools.server import Access, check_bind
from kbtools.server.security import COOKIE, SESSION_SECONDS
from tests.support import REPO, article, make_kb
from tests.test_search import CANARY, FILES

KB = REPO / ".venv" / "bin" / "kb"
TOKEN = "agent-token-0123456789abcdef"
SITE = {
    "index.html": "<!doctype html><html><head><title>KB</title>"
                  "<script>var inline = 1;</script></head><body>Home</body></html>",
    "faq/reset-password/index.html": "<html><head></head><body>Reset</body></html>",
    "404.html": "<html><head></head><body>Not here</body></html>",
    "assets/app.css": "body { color: black }",
}


@contextlib.contextmanager
def kb_serve(root: Path, *args: str, env: dict | None = None, kb: Path = KB,
             start_timeout: float = 60):
    """Run ``kb serve --port 0`` (the ``kb`` executable given) and yield its base URL once it
    serves (within ``start_timeout`` seconds); stop it afterwards. ``env`` is added to this
    process's environment."""
    process = subprocess.Popen(
        [str(kb), "--root", str(root), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + start_timeout
        url = None
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
            if line.startswith("serving "):
                url = line.split()[1]
                break
        assert url, f"kb serve did not start: {process.stderr.read()}"
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def write_site(folder: Path) -> Path:
    for relative, text in SITE.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("servekb"), FILES)
    write_site(root / "site")
    update_index(open_kb(root))
    return root


@pytest.fixture(scope="module")
def open_server(root):
    with kb_serve(root) as url:
        yield url


@pytest.fixture(scope="module")
def token_server(root):
    with kb_serve(root, env={"KB_SERVE_TOKEN": TOKEN}) as url:
        yield url


def test_api_answers_with_ranked_results(open_server):
    response = httpx.get(f"{open_server}/api/search", params={"q": "customer charged twice"})
    assert response.status_code == 200
    data = response.json()
    assert data["results"][0]["path"] == "playbooks/payment-failures.md"
    assert set(data) == {"query", "total", "results", "suggestion", "language"}
    assert response.headers["cache-control"] == "no-store"
    typo = httpx.get(f"{open_server}/api/search", params={"q": "pasword"}).json()
    assert typo["suggestion"] == "password"
    assert typo["results"][0]["path"] == "docs/faq/reset-password.md"
    two = httpx.get(f"{open_server}/api/search", params={"q": "refund", "n": 2}).json()
    assert len(two["results"]) == 2 and two["total"] > 2
    ru = httpx.get(f"{open_server}/api/search", params={"q": "пароль", "lang": "ru"}).json()
    assert {r["lang"] for r in ru["results"]} == {"ru"}


def test_security_headers_on_every_response(open_server):
    for path in ("/api/search?q=refund", "/", "/faq/reset-password/", "/missing/",
                 "/assets/app.css", "/_kb/search.js", "/api/search"):
        response = httpx.get(open_server + path)
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
    page = httpx.get(open_server + "/")
    csp = page.headers["content-security-policy"]
    scripts = csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in scripts and "'self'" not in scripts
    nonce = scripts.split("'nonce-")[1].split("'")[0]
    assert scripts.strip() == f"'nonce-{nonce}'" and len(nonce) >= 22
    assert "base-uri 'none'" in csp
    # The server's own script carries the nonce; the page's unknown inline script does not
    # (the policy is learnt from the installed packages, never from the page).
    assert f'<script nonce="{nonce}" src="/_kb/search.js" defer></script></head>' in page.text
    assert "<script>var inline = 1;</script>" in page.text
    assert page.text.count("nonce=") == 1
    again = httpx.get(open_server + "/")
    assert nonce not in again.text and nonce not in again.headers["content-security-policy"]


def test_static_site_and_path_traversal(open_server):
    assert httpx.get(open_server + "/faq/reset-password/").text.count("Reset") == 1
    missing = httpx.get(open_server + "/nope/")
    assert missing.status_code == 404 and "Not here" in missing.text
    for path in ("/../kb.yml", "/%2e%2e/kb.yml", "/..%2fkb.yml", "/faq/../../owners.yml"):
        response = httpx.get(open_server + path)
        assert response.status_code == 404 and "people:" not in response.text, path


@pytest.mark.parametrize("text", ['"unbalanced', "((a OR b", "NOT OR x", "*", "?*", "\x00\x07",
                                  "title:secret audience:internal", "a" * 10_000, "AND AND",
                                  "\u202e\u200bxx", '""""', "%", "\\", "🙂" * 100])
def test_malformed_queries_never_fail_or_hang(open_server, text):
    started = time.monotonic()
    response = httpx.get(f"{open_server}/api/search", params={"q": text}, timeout=10)
    assert time.monotonic() - started < 2
    assert response.status_code in (200, 400), response.text
    assert response.headers["content-type"].startswith("application/json")


def test_bad_parameters_are_400(open_server):
    for params in ({}, {"q": "x", "n": "lots"}, {"q": "x", "n": "0"}, {"q": "x", "lang": "xx"},
                   {"q": "x", "kind": "secret"}):
        response = httpx.get(f"{open_server}/api/search", params=params)
        assert response.status_code == 400 and "error" in response.json(), params


def test_token_decides_the_scope(token_server):
    api = f"{token_server}/api/search"
    for text in (CANARY, f"audience:internal {CANARY}", "zanzibarcanry", "escalation contacts",
                 "customer charged twice"):
        public = httpx.get(api, params={"q": text, "n": 50})
        body = public.text
        assert public.status_code == 200
        assert CANARY not in json.dumps(public.json()["results"]) and "zanzibar" not in str(
            public.json()["suggestion"])
        assert all(r["path"].startswith("docs/faq/") for r in public.json()["results"]), body
        assert all(r["marker"] is None for r in public.json()["results"])
    assert httpx.get(api, params={"q": CANARY}).json()["total"] == 0
    wrong = httpx.get(api, params={"q": CANARY}, headers={"Authorization": "Bearer nope"})
    assert wrong.json()["total"] == 0
    agent = httpx.get(api, params={"q": CANARY}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert agent.json()["total"] == 1
    forced = httpx.get(api, params={"q": CANARY, "scope": "public"},
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert forced.json()["total"] == 0


def test_site_needs_the_token_and_login_sets_a_cookie(token_server):
    page = httpx.get(token_server + "/")
    assert page.status_code == 303 and page.headers["location"] == "/_kb/login"
    bad = httpx.post(token_server + "/_kb/login", data={"token": "wrong"})
    assert bad.status_code == 401
    with httpx.Client(base_url=token_server) as client:
        login = client.post("/_kb/login", data={"token": TOKEN})
        assert login.status_code == 303
        cookie = login.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert f"max-age={SESSION_SECONDS}" in cookie and "path=/" in cookie
        assert "secure" not in cookie  # plain http on loopback; see test_server_hosts for https
        assert TOKEN.lower() not in cookie  # a signed session, never the token itself
        assert client.get("/").status_code == 200
        assert client.get("/api/search", params={"q": CANARY}).json()["total"] == 1


def session_from(server: str, token: str) -> str:
    login = httpx.post(server + "/_kb/login", data={"token": token})
    assert login.status_code == 303 and token not in login.headers["set-cookie"]
    return login.cookies[COOKIE]


def test_the_session_cookie_is_signed_with_the_token_and_expires(root, token_server):
    session = session_from(token_server, TOKEN)
    assert session.count(".") == 2 and TOKEN not in session

    def agent(value: str) -> bool:
        page = httpx.get(token_server + "/", cookies={COOKIE: value})
        results = httpx.get(f"{token_server}/api/search", params={"q": CANARY},
                            cookies={COOKIE: value}).json()
        assert (page.status_code == 200) == (results["total"] == 1), value
        return page.status_code == 200

    assert agent(session)
    ident, expires, signature = session.split(".")
    assert not agent(TOKEN)  # the raw token is no session
    assert not agent(f"{ident}.{int(expires) + 3600}.{signature}")  # a longer session
    other = "y" if ident.startswith("x") else "x"  # (the random ident may begin with x)
    assert not agent(f"{other}{ident[1:]}.{expires}.{signature}")
    assert not agent(f"{ident}.{expires}.{signature[:-2]}")
    assert not agent("")
    # Expired: a session made 13 hours ago by the same token.
    past = clock.now() - datetime.timedelta(hours=SESSION_SECONDS / 3600 + 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KB_AS_OF", past.isoformat())
        stale = Access(token=TOKEN).new_session()
        assert Access(token=TOKEN).valid_session(stale)
    assert not Access(token=TOKEN).valid_session(stale)
    assert not agent(stale)
    # A rotated token: sessions signed with the old one no longer count.
    rotated = "rotated-token-0123456789abcdef"
    with kb_serve(root, env={"KB_SERVE_TOKEN": rotated}) as new_server:
        new_session = session_from(new_server, rotated)
        assert httpx.get(new_server + "/", cookies={COOKIE: new_session}).status_code == 200
        old = httpx.get(new_server + "/", cookies={COOKIE: session})
        assert old.status_code == 303 and old.headers["location"] == "/_kb/login"
        assert httpx.get(f"{new_server}/api/search", params={"q": CANARY},
                         cookies={COOKIE: session}).json()["total"] == 0
    assert not agent(new_session)


def test_non_loopback_needs_a_token_or_the_proxy_flag(root):
    result = subprocess.run([str(KB), "--root", str(root), "serve", "--host", "0.0.0.0"],
                            capture_output=True, text=True, timeout=60,
                            env={k: v for k, v in os.environ.items() if k != "KB_SERVE_TOKEN"})
    assert result.returncode == 2
    assert "refusing to serve the internal site on 0.0.0.0" in result.stderr
    assert "--behind-proxy" in result.stderr
    with pytest.raises(UsageError):
        check_bind("10.1.2.3", Access())
    check_bind("10.1.2.3", Access(token=TOKEN))
    check_bind("10.1.2.3", Access(behind_proxy=True))
    check_bind("::1", Access())


def test_a_busy_port_is_a_usage_error_naming_the_address(root, open_server):
    port = urllib.parse.urlsplit(open_server).port
    assert port and port != 8000  # --port 0 picked a free one and reported it
    result = subprocess.run([str(KB), "--root", str(root), "serve", "--port", str(port)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert httpx.get(f"{open_server}/api/search", params={"q": "refund"}).status_code == 200


def test_settled_queries_are_logged_without_personal_data(root, open_server):
    text = "refund for jane.doe@example.com card 4111 1111 1111 1111"
    log = root / ".kb" / "queries.jsonl"
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    # A search alone logs nothing: the search box asks on every pause while typing.
    assert httpx.get(f"{open_server}/api/search", params={"q": text}).status_code == 200
    assert (log.read_text(encoding="utf-8") if log.exists() else "") == before
    response = httpx.post(f"{open_server}/api/search/events",
                          json={"event": "search", "query": text},
                          headers={"Origin": open_server, "User-Agent": "secret-agent",
                                   "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 204, response.text
    written = log.read_text(encoding="utf-8")
    last = json.loads(written.strip().splitlines()[-1])
    assert set(last) == {"time", "event", "query", "lang", "results", "scope", "via"}
    assert last["query"] == "refund for <email> card <number>"
    assert (last["event"], last["via"], last["scope"]) == ("search", "site", "internal")
    assert last["results"] >= 1 and last["lang"] == "en"
    assert "secret-agent" not in written and "203.0.113.9" not in written


def test_server_picks_up_a_new_index_without_restart(tmp_path):
    root = make_kb(tmp_path, {"docs/guide/a.md": article("A", "Alpha text.\n")})
    update_index(open_kb(root))
    with kb_serve(root) as url:
        assert httpx.get(f"{url}/api/search", params={"q": "platypus"}).json()["total"] == 0
        (root / "docs/guide/b.md").write_text(article("B", "A platypus appears.\n"))
        update_index(open_kb(root))
        assert httpx.get(f"{url}/api/search", params={"q": "platypus"}).json()["total"] == 1


HIDDEN_WORDS = ("zqclosedword", "zqinlineword", "zqheadingword", "zqunclosedword",
                "zqafterword", "zqunclosedheadingword")


def commented(topic: str) -> str:
    """An article about ``topic`` whose hidden words sit in every kind of HTML comment."""
    return (f"Agents can change the {topic} before dispatch.\n\n"
            "<!-- zqclosedword: a note for editors -->\n\n"
            f"Inline <!-- zqinlineword --> {topic} text.\n\n"
            "<!--\n## Zqheadingword heading inside a comment\n\nzqheadingword again\n-->\n\n"
            f"More about the {topic}.\n\n"
            "<!-- zqunclosedword: this comment is never closed\n\n"
            "## Zqunclosedheadingword\n\nzqafterword text after it\n")


def test_text_in_html_comments_never_reaches_search(tmp_path):
    root = make_kb(tmp_path, {
        "docs/faq/delivery-address.md": article(
            "Changing the delivery address", commented("delivery address"), audience="public",
            owner="ann", reviewed="2026-11-01"),
        "docs/guide/dispatch-window.md": article(
            "The dispatch window", commented("dispatch window"), owner="ann",
            reviewed="2026-11-01"),
    })
    update_index(open_kb(root))
    agent = {"Authorization": f"Bearer {TOKEN}"}
    with kb_serve(root, env={"KB_SERVE_TOKEN": TOKEN}) as url:
        def search(text: str, headers: dict) -> dict:
            response = httpx.get(f"{url}/api/search", params={"q": text, "n": 50},
                                 headers=headers)
            assert response.status_code == 200, response.text
            return response.json()

        # The visible text is found, in both scopes, and no snippet shows a hidden word.
        public = search("delivery address", {})
        assert [r["path"] for r in public["results"]] == ["docs/faq/delivery-address.md"]
        internal = search("dispatch", agent)
        assert {r["path"] for r in internal["results"]} == {
            "docs/faq/delivery-address.md", "docs/guide/dispatch-window.md"}
        for text in ("agents change", "inline text", "before dispatch"):
            for headers in ({}, agent):
                found = search(text, headers)
                assert found["total"] >= 1, (text, headers)
                shown = json.dumps([found["results"], found["suggestion"]]).lower()
                assert "zq" not in shown, (text, shown)
        # The hidden words find nothing, alone, together or by their heading, in either scope.
        for text in (*HIDDEN_WORDS, " ".join(HIDDEN_WORDS), "heading inside a comment",
                     "zqheadingwrd"):
            for headers in ({}, agent):
                found = search(text, headers)
                shown = json.dumps([found["results"], found["suggestion"]]).lower()
                assert "zq" not in shown, (text, headers, shown)
                if text.startswith("zq"):
                    assert found["total"] == 0, (text, headers)
