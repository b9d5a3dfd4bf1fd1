"""What a page's cache key is made of (:mod:`.pagecache`).

A page's file is a function of its inputs, and its *key* hashes all of them:

- what the page itself is made of: its markdown as the site shows it (macros, facts and
  banners already applied by :func:`~kbtools.sites.render.render_parts`), its front matter,
  its source, URL and output path, and the extras the theme shows around a public article
  (dates, tags, related articles; :func:`~kbtools.sites.pageinfo.page_info`);
- what every page of its language shares (:func:`language_key`): the navigation and the list
  of files, which every page's menu and links are made from;
- what every page of the build shares (:func:`build_key`): the MkDocs settings, the site, the
  languages built, every page's title in every language (the navigation, the language menu),
  the knowledge base's catalogs and theme overrides, today's date, and kb's own code with the
  versions of the libraries that render (:func:`code_key`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import Page

from kbtools.content.cache import code_digest
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.sites.mkconfig import config_file

RENDERING_LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2",
                       "pygments", "nh3", "babel")
_CODE_SUFFIXES = (".py", ".html", ".js", ".css", ".yml", ".json", ".svg")
FORMAT = 1
"""Of the keys: a new one renders every page again."""


def digest(*parts: object) -> str:
    """A hex digest of ``parts`` (strings as they are, anything else as JSON, keys sorted)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        text = part if isinstance(part, str) else json.dumps(part, sort_keys=True, default=repr,
                                                             ensure_ascii=False)
        data = text.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_digest(folder: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """A digest of the regular files under ``folder`` (their paths and bytes), '' when it is
    not a folder. Symbolic links are not followed."""
    if not folder.is_dir():
        return ""
    h = hashlib.blake2b(digest_size=20)
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if (suffixes and not name.endswith(suffixes)) or not path.is_file() \
                    or path.is_symlink():
                continue
            h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape"))
            h.update(b"\0")
            h.update(hashlib.blake2b(path.read_bytes(), digest_size=20).digest())
    return h.hexdigest()


@cache
def code_key() -> str:
    """kb's own code and theme, and the versions of Python and of the libraries that render
    pages: a new release of any of them renders every page again."""
    versions = {}
    for name in RENDERING_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return digest(FORMAT, code_digest(_CODE_SUFFIXES), versions, sys.version)


def build_key(kb: KnowledgeBase, raw: dict, *, site: str, rendered: Iterable[str] | None,
              titles: dict[tuple[str, str], str], today: str) -> str:
    """What every page of one site build shares (see the module's description): the MkDocs
    settings ``raw`` as read, kb.yml, the catalogs, the theme overrides (``custom_dir``), the
    ``site``, the languages (those ``rendered``), every page's ``titles`` and ``today``."""
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    custom_dir = theme.get("custom_dir")
    overrides = (tree_digest(config_file(kb).parent / custom_dir)
                 if isinstance(custom_dir, str) else "")
    kb_file = kb.root / "kb.yml"
    return digest(code_key(), _stable(raw),
                  kb_file.read_bytes().hex() if kb_file.is_file() else None,
                  site, list(kb.config.languages),
                  sorted(rendered) if rendered is not None else None,
                  sorted([list(k), v] for k, v in titles.items()),
                  tree_digest(kb.config.path(kb.config.catalogs_dir.strip("/"))), overrides,
                  today)


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(value: object) -> str:
    """``value`` (MkDocs settings as read) as JSON, objects by their repr without memory
    addresses (``!!python/name`` functions), so that the same settings give the same text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False,
                      default=lambda o: _ADDRESS.sub("", repr(o)))


def language_key(build: str, lang: str, files: Iterable[tuple[str, str]], nav: object) -> str:
    """What every page of ``lang`` shares: ``build`` (:func:`build_key`), the files of the
    language's build (source and output paths) and its navigation."""
    return digest(build, lang, sorted(files), nav)


def nav_signature(items) -> list:
    """The navigation as data, for the pages' cache keys."""
    found: list = []
    for item in items:
        if isinstance(item, Section):
            found.append(["section", item.title, nav_signature(item.children)])
        elif isinstance(item, Page):
            found.append(["page", item.title, item.file.src_uri, item.url])
        elif isinstance(item, Link):
            found.append(["link", item.title, item.url])
    return found
