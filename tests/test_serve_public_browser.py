"""The public site's search box on the engine, in real headless Chromium: served by a real
``kb serve --public``, behind a server that proxies ``/api/search`` to it, and on plain static
hosting (where Material's own search stays)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import time
from pathlib import Path

import httpx
import pytest

from kbtools.registry import open_kb
from kbtools.search import querylog
from kbtools.sites import build
from tests.browser_support import browser, serve_static
from tests.support import article, make_kb
from tests.test_search import FILES
from tests.test_server import kb_serve

pytestmark = pytest.mark.browser

TYPO = "refnud"
"""A typo the engine corrects and Material's lunr index does not find."""
PUBLIC_FILES = {
    **{k: v for k, v in FILES.items() if not k.startswith("playbooks/")},
    "docs/index.md": article("Help center", "How can we help?\n", audience="public",
                             owner="ann", reviewed="2026-11-01"),
}


@pytest.fixture(scope="module")
def public_root(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("publickb"), PUBLIC_FILES)
    build(open_kb(root), ("public",))
    return root


def site_entries(root: Path, count: int, timeout: float = 20) -> list[querylog.Logged]:
    """The log's search-box entries once there are ``count`` (or at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [e for e in querylog.entries(root / ".kb") if e.via == "site"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def search_box(page, query: str) -> list[str]:
    """Type ``query`` into the engine-backed box; the titles of the results."""
    page.wait_for_selector("html[data-kb-search=api]", timeout=15_000)
    box = page.locator("input[data-kb-search=api]")
    box.click()
    box.press_sequentially(query, delay=50)
    page.locator(".md-search-result__list li").first.wait_for(timeout=10_000)
    return page.locator(".md-search-result__list li h1").all_inner_texts()


def test_public_home_page_searches_the_engine_in_its_language(public_root):
    problems: list[str] = []
    asked: list[str] = []
    with kb_serve(public_root, "--public") as url, browser() as chromium:
        page = chromium.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: asked.append(r.url) if "/api/search" in r.url else None)
        page.goto(url + "/", wait_until="load")
        assert page.locator("html").get_attribute("lang") == "en"
        titles = search_box(page, TYPO)
        assert titles[0] == "What is your refund policy?"
        assert "did you mean refund?" in page.locator(".md-search-result__meta").inner_text()
        searches = [u for u in asked if "/api/search?" in u]
        assert searches and all("lang=en" in u and "scope=public" in u for u in searches)
        # kb serve's copy of the script wired the box; the theme's copy did not probe.
        assert not [u for u in searches if "q=&" in u or u.endswith("q=")]

        (entry,) = site_entries(public_root, 1)
        assert (entry.event, entry.query, entry.scope, entry.lang) == (
            "search", TYPO, "public", "en")
        assert entry.results >= 1

        # A Russian page searches Russian articles only.
        page.goto(url + "/ru/", wait_until="load")
        assert search_box(page, "возврат") == ["Какие у вас правила возврата?"]
        # ... and says so in Russian (kb's catalogs, on <meta name="kb-strings">)
        assert "Найдено документов: 1" in page.locator(".md-search-result__meta").inner_text()
        entries = site_entries(public_root, 2)
        page.close()
    assert [(e.query, e.scope, e.lang) for e in entries] == [
        (TYPO, "public", "en"), ("возврат", "public", "ru")]
    assert not [p for p in problems if "search.js" in p or "Content Security Policy" in p]


class _ProxyHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, and ``/api/search*`` passed on to ``upstream`` with the browser's Host,
    Origin and body, as a reverse proxy in front of ``kb serve --public`` would."""

    upstream = ""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/api/search"):
            self._forward("GET", None)
        else:
            super().do_GET()

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        self._forward("POST", self.rfile.read(length))

    def _forward(self, method: str, body: bytes | None) -> None:
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("host", "origin", "content-type", "accept",
                                    "sec-fetch-site")}
        answer = httpx.request(method, self.upstream + self.path, headers=headers,
                               content=body, timeout=30)
        self.send_response(answer.status_code)
        for name in ("content-type", "cache-control"):
            if name in answer.headers:
                self.send_header(name, answer.headers[name])
        self.send_header("content-length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)


@contextlib.contextmanager
def proxy(folder: Path):
    handler = type("Proxy", (_ProxyHandler,), {})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_public_build_uses_the_engine_behind_a_proxy_and_lunr_on_static_hosting(public_root):
    site = public_root / "site-public"
    with browser() as chromium:
        # Plain static hosting: api/search is a 404, Material's lunr search stays.
        with serve_static(site) as static:
            page = chromium.new_page()
            page.goto(static + "/faq/", wait_until="load")
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially("refund", delay=30)
            page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
            assert "What is your refund policy?" in page.locator(
                ".md-search-result__item h1").all_inner_texts()
            assert page.locator("html").get_attribute("data-kb-search") is None
            assert page.locator("input[data-kb-search]").count() == 0
            page.close()

        # The same files behind a server that proxies /api/search to kb serve --public.
        with proxy(site) as (handler, address):
            with kb_serve(public_root, "--public", "--allow-host", address) as upstream:
                handler.upstream = upstream
                before = len(site_entries(public_root, 0, timeout=0))
                page = chromium.new_page()
                page.goto(f"http://{address}/ru/faq/", wait_until="load")
                assert search_box(page, "возврат") == ["Какие у вас правила возврата?"]
                entries = site_entries(public_root, before + 1)
                page.close()
    assert [(e.query, e.scope, e.lang) for e in entries[before:]] == [
        ("возврат", "public", "ru")]
