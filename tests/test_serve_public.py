"""``kb serve --public``: the public site and public search for anyone, and nothing internal.
Real builds, real ``kb serve`` processes on 127.0.0.1, real HTTP."""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest

from kbtools.errors import UsageError
from kbtools.registry import open_kb
from kbtools.search import querylog
from kbtools.server import Access, check_bind
from kbtools.server.security import access_settings
from kbtools.sites import build
from tests.support import make_kb
from tests.test_search import CANARY
from tests.test_serve_public_browser import PUBLIC_FILES
from tests.test_server import KB, TOKEN, kb_serve


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("servepublic"), PUBLIC_FILES)
    build(open_kb(root))  # both sites: the internal one must never be served publicly
    return root


@pytest.fixture(scope="module")
def public_server(root):
    # An agents' token in the environment changes nothing: a public server has no agents.
    with kb_serve(root, "--public", env={"KB_SERVE_TOKEN": TOKEN}) as url:
        yield url


def test_public_pages_for_anyone_with_the_engine_script(public_server):
    page = httpx.get(public_server + "/faq/refund-policy/")
    assert page.status_code == 200
    assert '<meta name="kb-site" content="public">' in page.text
    nonce = page.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}" src="/_kb/search.js" defer></script></head>' in page.text
    # The theme's own copy of the script is there too (for static hosting), with the nonce.
    assert f'<script nonce="{nonce}" src="../../assets/kb/search.js" defer>' in page.text
    script = httpx.get(public_server + "/_kb/search.js")
    assert script.status_code == 200 and "api/search/events" in script.text


def test_nothing_internal_is_reachable(root, public_server):
    agent = {"Authorization": f"Bearer {TOKEN}"}
    for path in ("/guide/escalation-contacts/", "/scripts/account-locked/", "/_kb/login"):
        for headers in ({}, agent):
            response = httpx.get(public_server + path, headers=headers)
            assert response.status_code == 404, path
            assert CANARY not in response.text and "set-cookie" not in response.headers
    login = httpx.post(public_server + "/_kb/login", data={"token": TOKEN})
    assert login.status_code in (404, 405) and "set-cookie" not in login.headers
    index = httpx.get(public_server + "/search/search_index.json")
    assert index.status_code == 200 and CANARY not in index.text
    for headers in ({}, agent):
        found = httpx.get(f"{public_server}/api/search", params={"q": CANARY, "n": 50},
                          headers=headers).json()
        assert found["total"] == 0
        every = httpx.get(f"{public_server}/api/search", params={"q": "refund password",
                                                                  "n": 50}, headers=headers)
        results = every.json()["results"]
        assert results and all(r["path"].startswith("docs/faq/") for r in results)
        assert all(r["marker"] is None for r in results)


def test_a_page_without_the_public_mark_is_never_served(root, public_server):
    leak = root / "site-public" / "leak" / "index.html"
    leak.parent.mkdir()
    leak.write_text(f"<html><head></head><body>{CANARY}</body></html>", encoding="utf-8")
    try:
        response = httpx.get(public_server + "/leak/")
        assert response.status_code == 404 and CANARY not in response.text
    finally:
        leak.unlink()
        leak.parent.rmdir()


def test_events_are_logged_in_public_scope(root, public_server):
    before = len(list(querylog.entries(root / ".kb")))
    response = httpx.post(f"{public_server}/api/search/events",
                          json={"event": "search", "query": "refnud", "lang": "en"},
                          headers={"Origin": public_server,
                                   "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 204, response.text
    (entry,) = list(querylog.entries(root / ".kb"))[before:]
    assert (entry.query, entry.scope, entry.lang, entry.via) == ("refnud", "public", "en", "site")
    assert entry.results >= 1


def test_public_refuses_the_internal_site_and_a_token(root, tmp_path):
    internal = subprocess.run([str(KB), "--root", str(root), "serve", "--public", "--site",
                               str(root / "site")], capture_output=True, text=True, timeout=60)
    assert internal.returncode == 2
    assert "is not a public site built by `kb build`" in internal.stderr
    token = tmp_path / "token"
    token.write_text(TOKEN)
    with_token = subprocess.run([str(KB), "--root", str(root), "serve", "--public",
                                 "--token-file", str(token)],
                                capture_output=True, text=True, timeout=60)
    assert with_token.returncode == 2 and "takes no access token" in with_token.stderr
    with pytest.raises(UsageError):
        access_settings(TOKEN, public=True)


def test_a_public_server_may_listen_beyond_loopback():
    check_bind("10.1.2.3", Access(public=True))
    with pytest.raises(UsageError, match="--public"):
        check_bind("10.1.2.3", Access())
    assert not Access(public=True).is_agent({}, {})


def test_without_a_built_site_the_public_api_alone_is_served(tmp_path):
    root = make_kb(tmp_path, PUBLIC_FILES)
    with kb_serve(root, "--public") as url:
        assert httpx.get(url + "/").status_code == 404
        found = httpx.get(f"{url}/api/search", params={"q": "refund"}).json()
        assert found["total"] >= 1
        assert json.dumps(found).count(CANARY) == 0
