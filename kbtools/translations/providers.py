"""Machine-translation providers: one interface, timeouts, retries with backoff, clear errors.

A provider translates a batch of texts from one language to another. Which one is used, and
its options, come from ``kb.yml``'s ``translate:`` section; credentials come from the
environment only (never from kb.yml, which is committed).

- ``libretranslate`` is our own small client for LibreTranslate's HTTP API (``POST /translate``
  with a JSON body, ``GET /languages``). deep-translator's ``LibreTranslator`` cannot serve a
  self-hosted instance properly: it refuses to start without an API key (most self-hosted
  servers have none), rejects languages missing from its fixed table (Persian ``fa`` and
  Slovenian ``sl`` among them, though LibreTranslate serves both), sends the text in the URL
  query string (long articles exceed URL limits), has no timeout, and lets connection errors
  escape as raw ``requests`` exceptions.
- Every other name (``google``, ``mymemory``, ``deepl``, ``microsoft``, ``yandex``,
  ``chatgpt``, ``baidu``, ``papago``, ``qcri``) goes through deep-translator. Its clients call
  ``requests`` without a timeout, so each call runs under a deadline here; its exceptions are
  turned into one-line :class:`~kbtools.errors.ProviderError` messages (its authorization error
  would print the API key itself, so that text is never shown).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import requests

from kbtools.errors import ProviderError, UsageError

DEFAULTS = {"timeout": 30.0, "retries": 3, "backoff": 1.0}
"""Options every provider takes: seconds per request, retries after the first attempt, and
the first backoff pause in seconds (doubled after each retry; a 429's Retry-After wins)."""


class TransientError(Exception):
    """A failure worth retrying (timeout, connection refused, HTTP 429 or 5xx)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Provider:
    """Base: ``translate_batch`` once, and :meth:`translate` with retries around it."""

    name: str
    options: Mapping[str, object] = field(default_factory=dict)
    max_chars: int = 2000
    max_batch: int = 50
    sleep: Callable[[float], None] = time.sleep

    def option(self, key: str):
        return self.options.get(key, DEFAULTS.get(key))

    def check_languages(self, source: str, targets: tuple[str, ...]) -> None:
        """Raise :class:`UsageError` if this provider cannot translate ``source`` to a target."""

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        raise NotImplementedError

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate ``texts``, retrying transient failures with exponential backoff.

        Raises :class:`ProviderError` naming the provider once retries are exhausted or on a
        permanent failure.
        """
        retries, pause = int(self.option("retries")), float(self.option("backoff"))
        for attempt in range(retries + 1):
            try:
                result = self.translate_batch(texts, source, target)
            except TransientError as exc:
                if attempt == retries:
                    raise ProviderError(f"{self.name}: {exc} (gave up after {attempt + 1} "
                                        "attempts)") from None
                self.sleep(min(exc.retry_after, 60.0) if exc.retry_after else pause)
                pause *= 2
                continue
            if len(result) != len(texts):
                raise ProviderError(f"{self.name}: sent {len(texts)} texts, got "
                                    f"{len(result)} translations back")
            return result
        raise AssertionError("unreachable")


class LibreTranslate(Provider):
    """LibreTranslate's HTTP API. Options: ``url`` (default ``http://localhost:5000``),
    ``max_chars``; API key from ``LIBRETRANSLATE_API_KEY`` if the server requires one."""

    ENV = "LIBRETRANSLATE_API_KEY"

    def __init__(self, options: Mapping[str, object], env: Mapping[str, str]) -> None:
        super().__init__("libretranslate", options, int(options.get("max_chars", 2000)))
        self.url = str(options.get("url", "http://localhost:5000")).rstrip("/")
        self.api_key = env.get(self.ENV) or None
        self.session = requests.Session()

    def _request(self, method: str, endpoint: str, **kwargs) -> object:
        try:
            response = self.session.request(method, f"{self.url}/{endpoint}",
                                             timeout=float(self.option("timeout")), **kwargs)
        except requests.Timeout:
            raise TransientError(f"no answer from {self.url} within "
                                 f"{self.option('timeout')} s") from None
        except requests.ConnectionError:
            raise TransientError(f"cannot connect to {self.url}") from None
        try:
            data = response.json()
        except ValueError:
            data = None
        said = data.get("error") if isinstance(data, dict) else None
        said = f": {said}" if said else ""
        if response.status_code == 429 or response.status_code >= 500:
            retry = response.headers.get("Retry-After", "")
            raise TransientError(f"{self.url} answered HTTP {response.status_code}{said}",
                                 float(retry) if retry.isdigit() else None)
        if response.status_code in (401, 403):
            raise ProviderError(f"{self.name}: {self.url} refused the request (HTTP "
                                f"{response.status_code}{said}); set {self.ENV} to a valid "
                                "API key")
        if response.status_code != 200 or data is None:
            raise ProviderError(f"{self.name}: {self.url}/{endpoint} answered HTTP "
                                f"{response.status_code}{said or ' with no JSON'}")
        return data

    def check_languages(self, source: str, targets: tuple[str, ...]) -> None:
        try:
            listed = self._request("GET", "languages")
        except TransientError as exc:
            raise ProviderError(f"{self.name}: {exc}") from None
        offered = {lang.get("code"): set(lang.get("targets") or ())
                   for lang in listed if isinstance(lang, dict)} if isinstance(listed, list) else {}
        if source not in offered:
            raise UsageError(f"{self.name} at {self.url} does not translate from {source!r} "
                             f"(it offers {', '.join(sorted(filter(None, offered)))})")
        missing = [t for t in targets if offered[source] and t not in offered[source]]
        if missing:
            raise UsageError(f"{self.name} at {self.url} cannot translate {source} to "
                             f"{', '.join(missing)} (targets: "
                             f"{', '.join(sorted(offered[source]))})")

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        payload: dict = {"q": texts, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        data = self._request("POST", "translate", json=payload)
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise ProviderError(f"{self.name}: unexpected answer from {self.url}/translate "
                                "(no translatedText list)")
        return translated


# name -> (deep-translator class, {constructor argument: environment variable}, max chars)
DEEP_TRANSLATOR = {
    "google": ("GoogleTranslator", {}, 4500),
    "mymemory": ("MyMemoryTranslator", {}, 450),
    "deepl": ("DeeplTranslator", {"api_key": "DEEPL_API_KEY"}, 4500),
    "microsoft": ("MicrosoftTranslator", {"api_key": "MICROSOFT_API_KEY"}, 4500),
    "yandex": ("YandexTranslator", {"api_key": "YANDEX_API_KEY"}, 4500),
    "chatgpt": ("ChatGptTranslator", {"api_key": "OPEN_API_KEY"}, 4500),
    "baidu": ("BaiduTranslator", {"appid": "BAIDU_APPID", "appkey": "BAIDU_APPKEY"}, 4500),
    "papago": ("PapagoTranslator", {"client_id": "PAPAGO_CLIENT_ID",
                                    "secret_key": "PAPAGO_SECRET_KEY"}, 4500),
    "qcri": ("QcriTranslator", {"api_key": "QCRI_API_KEY"}, 4500),
}
_TRANSIENT = {"ERR_TOO_MANY_REQUESTS", "ERR_INTERNAL_SERVER_ERROR", "ERR_SERVICE_NOT_AVAIBLE",
              "API server error"}


class DeepTranslator(Provider):
    """A deep-translator client (any ``BaseTranslator`` subclass), one text per call, each
    under a deadline. ``kwargs`` go to the client's constructor (credentials included)."""

    def __init__(self, name: str, client: type, kwargs: Mapping[str, object],
                 options: Mapping[str, object], max_chars: int) -> None:
        super().__init__(name, options, int(options.get("max_chars", max_chars)), max_batch=1)
        self.client, self.kwargs = client, dict(kwargs)
        self._clients: dict[tuple[str, str], object] = {}

    def _make(self, source: str, target: str):
        key = (source, target)
        if key not in self._clients:
            from deep_translator.exceptions import BaseError

            try:
                self._clients[key] = self.client(source=source, target=target, **self.kwargs)
            except BaseError as exc:  # unsupported language, missing key
                raise UsageError(f"{self.name}: {' '.join(str(exc.message).split())[:200]} "
                                 f"({source} -> {target})") from None
        return self._clients[key]

    def check_languages(self, source: str, targets: tuple[str, ...]) -> None:
        for target in targets:
            self._make(source, target)

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        client = self._make(source, target)
        return [self._call(client, text) for text in texts]

    def _call(self, client, text: str) -> str:
        box: dict = {}

        def run() -> None:
            try:
                box["result"] = client.translate(text)
            except BaseException as exc:  # handed to the caller's thread below
                box["error"] = exc

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(float(self.option("timeout")))
        if worker.is_alive():
            raise TransientError(f"no answer within {self.option('timeout')} s")
        if "error" in box:
            raise self._translate_error(box["error"]) from None
        if not isinstance(box.get("result"), str):
            raise ProviderError(f"{self.name}: returned no translation")
        return box["result"]

    def _translate_error(self, exc: BaseException) -> Exception:
        from deep_translator import exceptions as dt

        if isinstance(exc, requests.RequestException | ConnectionError):
            return TransientError(f"network error ({type(exc).__name__})")
        if isinstance(exc, dt.TooManyRequests):
            return TransientError("rate limited (too many requests)")
        if isinstance(exc, dt.ServerException) and str(exc) in _TRANSIENT:
            return TransientError(f"server error ({exc})")
        if isinstance(exc, dt.AuthorizationException):  # its message contains the key
            return ProviderError(f"{self.name}: the credentials were rejected")
        if isinstance(exc, dt.BaseError):
            return ProviderError(f"{self.name}: {' '.join(str(exc.message).split())[:200]}")
        if isinstance(exc, dt.RequestError | dt.ServerException | dt.TranslationNotFound):
            return ProviderError(f"{self.name}: {exc}")
        return ProviderError(f"{self.name}: unexpected {type(exc).__name__}: {exc}")


def make_provider(name: str, options: Mapping[str, object] | None = None,
                  env: Mapping[str, str] | None = None) -> Provider:
    """The provider called ``name`` with ``options``; credentials are read from ``env``
    (default: the process environment). Raises :class:`UsageError` for an unknown name or a
    missing credential."""
    options = dict(options or {})
    env = os.environ if env is None else env
    if name == "libretranslate":
        return LibreTranslate(options, env)
    if name not in DEEP_TRANSLATOR:
        raise UsageError(f"unknown translation provider {name!r} (known: "
                         f"{', '.join(['libretranslate', *sorted(DEEP_TRANSLATOR)])})")
    class_name, credentials, max_chars = DEEP_TRANSLATOR[name]
    kwargs: dict[str, object] = {}
    for argument, variable in credentials.items():
        if not env.get(variable):
            raise UsageError(f"{name} needs the environment variable {variable} (credentials "
                             "are never read from kb.yml)")
        kwargs[argument] = env[variable]
    passed = {k: v for k, v in options.items() if k not in DEFAULTS and k != "max_chars"}
    import deep_translator

    return DeepTranslator(name, getattr(deep_translator, class_name), {**passed, **kwargs},
                          options, max_chars)
