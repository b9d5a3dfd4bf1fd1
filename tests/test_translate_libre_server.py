"""A local LibreTranslate stand-in (its real HTTP protocol) and tests of our client against it.

The server speaks LibreTranslate's API as documented: ``POST /translate`` with ``q`` (a
string or a list), ``source``, ``target``, ``format`` and optional ``api_key``, as JSON, form
or query parameters; ``GET /languages``; errors as ``{"error": ...}`` with HTTP 400, 403, 429
or 500. Its "translation" upper-cases the text and prefixes the target language, so a test
can tell translated prose from text that must survive verbatim.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from kbtools.errors import ProviderError, UsageError
from kbtools.translations.providers import LibreTranslate, make_provider

LANGUAGES = ["en", "ar", "fa", "ru", "sl"]


class LibreServer:
    """Run with ``with LibreServer() as server:``; ``server.url``; ``server.script`` is a list of
    actions for the next /translate calls: ``500``, ``429``, ``("sleep", s)``, ``"mangle"``
    (drop placeholders), ``("signal", event)`` (set the event, then wait)."""

    def __init__(self, char_limit: int = -1, api_key: str | None = None,
                 languages=LANGUAGES) -> None:
        self.char_limit, self.api_key, self.languages = char_limit, api_key, languages
        self.script: list = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if urlparse(self.path).path.rstrip("/") == "/languages":
                    self.reply(200, [{"code": c, "name": c, "targets": [t for t in owner.languages
                                                                         if t != c]}
                                     for c in owner.languages])
                else:
                    self.reply(404, {"error": "Not Found"})

            def do_POST(self):
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if parsed.path.rstrip("/") != "/translate":
                    return self.reply(404, {"error": "Not Found"})
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    fields = json.loads(raw or b"{}")
                else:
                    fields = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                    fields.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                self.reply(*owner.translate(fields))

            def reply(self, status, data, headers=None):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def translate(self, fields: dict):
        with self.lock:
            self.requests.append(fields)
            action = self.script.pop(0) if self.script else None
        if isinstance(action, tuple) and action[0] == "sleep":
            time.sleep(action[1])
        if isinstance(action, tuple) and action[0] == "signal":
            action[1].set()
            time.sleep(action[2])
        if action == 500:
            return 500, {"error": "Internal error"}
        if action == 429:
            return 429, {"error": "Slowdown: 1 per 1 second"}, {"Retry-After": "0"}
        if self.api_key and fields.get("api_key") != self.api_key:
            return 403, {"error": "Invalid API key"}
        q, source, target = fields.get("q"), fields.get("source"), fields.get("target")
        if q is None or not source or not target:
            return 400, {"error": "Invalid request: missing q, source or target"}
        if source not in self.languages or target not in self.languages:
            return 400, {"error": f"{target} is not supported"}
        texts = q if isinstance(q, list) else [q]
        size = sum(len(t) for t in texts)
        if self.char_limit != -1 and size > self.char_limit:
            return 400, {"error": f"Invalid request: request ({size}) exceeds text limit "
                                  f"({self.char_limit})"}
        out = [fake_translate(t, target, mangle=action == "mangle") for t in texts]
        return 200, {"translatedText": out if isinstance(q, list) else out[0]}

    def __enter__(self) -> LibreServer:
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def translate_calls(self) -> list[dict]:
        return list(self.requests)


def fake_translate(text: str, target: str, mangle: bool = False) -> str:
    """Upper-case with a language tag; ``mangle`` loses the placeholders like a bad engine."""
    import re

    if mangle:
        text = re.sub(r"⟦\s*\d+\s*⟧", "", text)
    return f"{target.upper()}:{text.upper()}"


def client(server: LibreServer, **options) -> LibreTranslate:
    provider = make_provider("libretranslate", {"url": server.url, "backoff": 0.01, **options},
                             env={})
    assert isinstance(provider, LibreTranslate)
    return provider


def test_translates_a_batch_as_json_with_q_as_a_list():
    with LibreServer() as server:
        result = client(server).translate(["Hello", "Good bye"], "en", "ru")
    assert result == ["RU:HELLO", "RU:GOOD BYE"]
    assert server.requests == [{"q": ["Hello", "Good bye"], "source": "en", "target": "ru",
                                "format": "text"}]


def test_retries_500_and_429_with_backoff_then_succeeds():
    pauses = []
    with LibreServer() as server:
        server.script = [500, 429]
        provider = client(server, backoff=0.5)
        provider.sleep = pauses.append
        assert provider.translate(["Hi"], "en", "sl") == ["SL:HI"]
    assert len(server.requests) == 3
    assert pauses == [0.5, 1.0]  # doubled; Retry-After "0" means no explicit wait


def test_gives_up_with_a_clear_error_naming_provider_and_status():
    with LibreServer() as server:
        server.script = [500, 500, 500]
        with pytest.raises(ProviderError) as caught:
            client(server, retries=2).translate(["Hi"], "en", "ru")
    message = str(caught.value)
    assert message.startswith("libretranslate: ")
    assert "HTTP 500: Internal error" in message and "gave up after 3 attempts" in message


def test_timeout_is_retried_then_reported():
    with LibreServer() as server:
        server.script = [("sleep", 1.0), ("sleep", 1.0)]
        with pytest.raises(ProviderError, match=r"no answer from .* within 0\.2 s"):
            client(server, timeout=0.2, retries=1).translate(["Hi"], "en", "ru")
        assert len(server.requests) == 2


def test_connection_refused_is_a_provider_error():
    with LibreServer() as server:
        url = server.url
    provider = make_provider("libretranslate", {"url": url, "retries": 0}, env={})
    with pytest.raises(ProviderError, match="cannot connect to http://127.0.0.1"):
        provider.translate(["Hi"], "en", "ru")


def test_api_key_comes_from_the_environment_and_a_bad_one_is_explained():
    with LibreServer(api_key="sekret") as server:
        good = make_provider("libretranslate", {"url": server.url},
                             env={"LIBRETRANSLATE_API_KEY": "sekret"})
        assert good.translate(["Hi"], "en", "fa") == ["FA:HI"]
        bad = make_provider("libretranslate", {"url": server.url}, env={})
        with pytest.raises(ProviderError, match="HTTP 403: Invalid API key.*LIBRETRANSLATE_API_KEY"):
            bad.translate(["Hi"], "en", "fa")


def test_languages_are_checked_against_the_server():
    with LibreServer(languages=["en", "ru"]) as server:
        provider = client(server)
        provider.check_languages("en", ("ru",))
        with pytest.raises(UsageError, match="cannot translate en to fa, sl"):
            provider.check_languages("en", ("fa", "ru", "sl"))


def test_deep_translator_client_through_our_adapter_and_why_we_replaced_it():
    """deep-translator's LibreTranslator, pointed at the local server through our adapter:
    it works for Russian, its failures become our errors, and it rejects Persian, which the
    server offers (one of the reasons ``libretranslate`` is our own client)."""
    from deep_translator import LibreTranslator

    from kbtools.translations.providers import DeepTranslator

    with LibreServer() as server:
        adapter = DeepTranslator("libre-via-deep-translator", LibreTranslator,
                                 {"api_key": "k", "custom_url": server.url + "/"},
                                 {"backoff": 0.01, "retries": 1}, 2000)
        assert adapter.translate(["Hello"], "en", "ru") == ["RU:HELLO"]
        assert server.requests[-1]["api_key"] == "k"  # sent in the URL query string
        server.script = [500, 500]
        with pytest.raises(ProviderError, match="server error .*gave up after 2 attempts"):
            adapter.translate(["Hello"], "en", "ru")
        with pytest.raises(UsageError, match="libre-via-deep-translator: No support"):
            adapter.check_languages("en", ("fa",))


def test_deep_translator_provider_needs_its_credential_from_the_environment():
    with pytest.raises(UsageError, match="deepl needs the environment variable DEEPL_API_KEY"):
        make_provider("deepl", {}, env={})
    with pytest.raises(UsageError, match="unknown translation provider 'babelfish'"):
        make_provider("babelfish", {}, env={})
