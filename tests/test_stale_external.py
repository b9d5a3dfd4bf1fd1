"""External link checking against a real HTTP server on 127.0.0.1: statuses, timeouts, the
concurrency limit and the on-disk cache."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from kbtools.cli import main
from kbtools.review.linkcheck import ExternalSettings, check_urls
from tests.support import article, make_kb

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[tuple[str, str]]
    lock = threading.Lock()
    active = 0
    most = 0

    def log_message(self, *args):
        pass

    def _answer(self):
        cls = type(self)
        with cls.lock:
            cls.hits.append((self.command, self.path))
            cls.active += 1
            cls.most = max(cls.most, cls.active)
        try:
            if self.path.startswith("/slow"):
                time.sleep(0.25)
            if self.path == "/hang":
                time.sleep(3)
        finally:
            # Done before the answer goes out: once the client has it, it may send its next
            # request, which another thread could count before this one is uncounted.
            with cls.lock:
                cls.active -= 1
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/get-only" and self.command == "HEAD":
            self.send_response(405)
        elif self.path in ("/ok", "/get-only", "/hang") or self.path.startswith("/slow"):
            self.send_response(200)
        elif self.path == "/private":
            self.send_response(403)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer


@contextlib.contextmanager
def server():
    handler = type("Handler", (_Handler,), {"hits": [], "active": 0, "most": 0,
                                             "lock": threading.Lock()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_statuses(tmp_path):
    with server() as (base, handler):
        urls = [f"{base}/ok", f"{base}/gone", f"{base}/moved", f"{base}/get-only",
                f"{base}/private", f"{base}/hang", "mailto:a@example.test"]
        result = check_urls(urls, tmp_path / "cache.json", NOW,
                            ExternalSettings(timeout=1.0, workers=4))
    assert set(result) == set(urls) - {"mailto:a@example.test"}
    ok = {url.rsplit("/", 1)[1]: s.ok for url, s in result.items()}
    assert ok == {"ok": True, "gone": False, "moved": True, "get-only": True, "private": True,
                  "hang": False}
    assert result[f"{base}/gone"].message == f"{base}/gone answered HTTP 404"
    assert result[f"{base}/hang"].message == f"{base}/hang: timed out after 1s"
    assert ("GET", "/get-only") in handler.hits  # HEAD refused, then asked with GET


def test_cache_skips_fresh_answers_and_never_keeps_timeouts(tmp_path):
    cache = tmp_path / ".kb" / "linkcheck.json"
    settings = ExternalSettings(timeout=1.0)
    with server() as (base, handler):
        urls = [f"{base}/ok", f"{base}/gone", f"{base}/hang"]
        check_urls(urls, cache, NOW, settings)
        first = len(handler.hits)
        stored = json.loads(cache.read_text())["urls"]
        assert set(stored) == {f"{base}/ok", f"{base}/gone"}
        again = check_urls(urls, cache, NOW + timedelta(hours=1), settings)
        assert handler.hits[first:] == [("HEAD", "/hang")]
        assert not again[f"{base}/gone"].ok
        # A day later the broken answer is asked again; the working one is still trusted.
        check_urls(urls, cache, NOW + timedelta(days=2), settings)
        assert sorted(handler.hits[first + 1:]) == [("HEAD", "/gone"), ("HEAD", "/hang")]


def test_damaged_cache_is_rebuilt(tmp_path):
    cache = tmp_path / "linkcheck.json"
    cache.write_text("{not json")
    with server() as (base, _):
        result = check_urls([f"{base}/ok"], cache, NOW)
    assert result[f"{base}/ok"].ok
    assert list(json.loads(cache.read_text())["urls"]) == [f"{base}/ok"]


def test_concurrency_limit(tmp_path):
    with server() as (base, handler):
        urls = [f"{base}/slow{i}" for i in range(6)]
        result = check_urls(urls, None, NOW, ExternalSettings(workers=2))
    assert all(s.ok for s in result.values())
    assert 1 <= handler.most <= 2
    assert len(handler.hits) == 6  # each URL asked once


def test_stale_external_flags_broken_urls_with_lines(tmp_path):
    with server() as (base, _):
        make_kb(tmp_path, {"docs/a.md": article(
            "A", f"Intro\n\n[fine]({base}/ok)\n[dead]({base}/gone)\n",
            owner="ann", reviewed="2026-11-01")})
        runner = CliRunner()
        offline = runner.invoke(main, ["--root", str(tmp_path), "stale", "--as-of", "2026-11-23",
                                       "--json", "--fail-on", "broken-link"])
        assert offline.exit_code == 0 and json.loads(offline.stdout) == {"articles": []}
        result = runner.invoke(main, ["--root", str(tmp_path), "stale", "--as-of", "2026-11-23",
                                      "--json", "--external", "--fail-on", "broken-link"])
    assert result.exit_code == 1, result.output
    [item] = json.loads(result.stdout)["articles"]
    assert item["reasons"] == ["broken-link"]
    assert item["details"] == [{"code": "broken-link", "line": 9,
                                "message": f"{base}/gone answered HTTP 404"}]
    assert (tmp_path / ".kb" / "linkcheck.json").exists()
