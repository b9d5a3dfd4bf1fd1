"""Article bodies converted by one site's build, for the other site's build of the same
``kb build`` (:func:`kbtools.sites.build` of both sites).

Every page of the public site is an article the internal site shows too: a public FAQ answer
in five languages is ten pages, five per site, and where the two builds give a page the same
markdown body Python-Markdown would convert it twice to the same HTML (at 1,000 articles,
1,200 of the public site's 1,535 pages). So each build leaves the HTML of every public
article's body it converts in a folder both builds share (:class:`Exchange`), and takes a
body from there instead of converting it when the other build left it first (the two builds
run at once, in two processes, or one after the other).

What is taken is what converting gives:

- the key is the page's source, the body's exact text after macros and the kind's renderer
  (what :func:`~kbtools.sites.bodies.body_key` hashes) and what else MkDocs' conversion
  depends on (:func:`markdown_settings`: the Markdown extensions and their options, the
  plugins, the URL style), and only with plugins known to treat both sites' pages alike;
- a body moves only to a page at the same URL whose build has every page it links to
  (:func:`~kbtools.sites.bodies.lands_same`), and never when it links to anything but
  pages (an image, a file: :func:`~kbtools.sites.bodies.relative_targets`);
- the HTML is left as converted, and the taking site sanitizes it with its own sanitizer.

A public page whose body differs on the internal site (an HTML comment the public site
strips, a fact only agents see) has another key and is converted by each build. Checked by
building with and without sharing (``build(share=False)``): the same bytes.

The folder lives under the state folder for the length of one ``kb build``
(:func:`kbtools.sites.builder.build` makes and deletes it; a killed build's is a leftover the
next build deletes). A body is one row, written in one transaction, so a reader finds a
whole body or none; a missing, damaged or foreign one is a body to convert.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import sqlite3
from pathlib import Path

from mkdocs.structure.toc import get_toc

from kbtools.sites.bodies import Body, lands_same, relative_targets
from kbtools.sites.skipping import skippable

EXCHANGE_FORMAT = 1
EXCHANGE_FILE = "bodies.sqlite"
_TIMEOUT_S = 10.0
"""How long a write waits for the other process's (each is one short insert)."""
FOLDER_PREFIX = "exchange-"
"""The exchange folders' names under ``<state>/build/`` (:func:`kbtools.sites.outputs.find_leftovers`)."""


def markdown_settings(config) -> str | None:
    """A digest of what MkDocs' conversion of a page depends on besides its source and
    markdown (MkDocs' ``config``): the Markdown extensions and their options, the plugins
    in order, the URL style. None (no exchange) when one of them is not plain data (an
    extension given as an object by a plugin), or when a plugin may change a page's
    markdown after kb made it, or its HTML before kb sees it, differently on each site:
    any plugin but kb's, search and Material's tags without listings or export (the plugins
    :func:`~.skipping.skippable` knows)."""
    if not skippable(config.plugins):
        return None
    settings = [config.markdown_extensions, config.mdx_configs, list(config.plugins),
                bool(config.use_directory_urls)]
    try:
        text = json.dumps(settings, sort_keys=True, default=_named)
    except (TypeError, ValueError):
        return None
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _named(value) -> str:
    """A function in the extensions' options (``!!python/name:...``) by its name."""
    if callable(value) and hasattr(value, "__module__") and hasattr(value, "__qualname__") \
            and not isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    raise TypeError(f"not plain data: {type(value).__name__}")


class Exchange:
    """The bodies the site builds of one ``kb build`` leave for each other: a SQLite file in
    ``folder`` (write-ahead log, no syncing: it lives as long as the build), one row per
    body, which each process reads and writes through its own connection (opened on first
    use; :meth:`close` it). A file per body cost 0.5 ms to create while the builds write
    their sites; a row, a few hundredths of that. Any SQLite error turns the exchange off for
    this process: its bodies are converted."""

    def __init__(self, folder: Path) -> None:
        self.file = Path(folder) / EXCHANGE_FILE
        self._db: sqlite3.Connection | None = None
        self._broken = False

    @staticmethod
    def key(settings: str, body_key: str) -> str:
        """The key of a body: its :func:`~kbtools.sites.bodies.body_key` under the
        :func:`markdown_settings` ``settings``."""
        return hashlib.blake2b(f"{settings}\0{body_key}".encode(), digest_size=16).hexdigest()

    def leave(self, key: str, html: str, toc, anchors, url: str) -> bool:
        """Leave the body ``html`` (as converted, without banners) of the page at ``url``,
        with its table of contents (MkDocs') and anchors, for the other build; not when it
        cannot move (links to other than pages) or cannot be written (then each build
        converts it). Whether it was left."""
        targets = relative_targets(html)
        db = self._connect() if targets is not None else None
        if db is None:
            return False
        value = marshal.dumps((EXCHANGE_FORMAT, html, _tokens(toc), sorted(anchors or ()),
                               url, tuple(targets)))
        try:
            db.execute("INSERT OR IGNORE INTO bodies VALUES (?, ?)", (key, value))
        except sqlite3.Error:
            self._close(broken=True)
            return False
        return True

    def take(self, key: str, url: str, pages: frozenset[str]) -> Body | None:
        """The body left under ``key`` if it was left by the page at ``url`` and every page
        it links to is one of ``pages`` (this build's URLs); else None."""
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM bodies WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._close(broken=True)
            return None
        if row is None:
            return None
        try:
            fmt, html, tokens, anchors, left_by, targets = marshal.loads(row[0])
            if fmt != EXCHANGE_FORMAT or left_by != url:
                return None
            body = Body(html, get_toc(tokens), frozenset(anchors), left_by, tuple(targets),
                        sanitized=False)
        except (EOFError, ValueError, TypeError, KeyError):
            return None
        return body if lands_same(body, url, pages) else None

    def close(self) -> None:
        """Close this process's connection (the folder is deleted by the build)."""
        self._close(broken=False)

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                db = sqlite3.connect(self.file, timeout=_TIMEOUT_S, isolation_level=None)
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = OFF")
                db.execute("CREATE TABLE IF NOT EXISTS bodies "
                           "(key TEXT PRIMARY KEY, value BLOB NOT NULL)")
                self._db = db
            except sqlite3.Error:
                self._close(broken=True)
        return self._db

    def _close(self, *, broken: bool) -> None:
        self._broken = self._broken or broken
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _tokens(toc) -> list[dict]:
    """A table of contents (MkDocs') as the tokens :func:`get_toc` makes it from."""
    return [{"level": link.level, "id": link.id, "name": link.title,
             "children": _tokens(link.children)} for link in toc or ()]
