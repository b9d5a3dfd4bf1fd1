"""The search index of a multilingual site: one entry per page and language, no copies.

A page without a translation is published in every language (the English text, with a
banner); its copies under ``ru/``, ``fa/`` ... would fill search results with duplicates.
mkdocs-static-i18n can remove them (its ``reconfigure_search`` option) by comparing every entry
with every other one, which takes minutes at thousands of pages and misses copies with a banner;
:func:`drop_fallback_copies` does it in one pass, and :func:`prune_search_index` applies it to the
``search/search_index.json`` that Material's search plugin wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kbtools import atomic

SEARCH_INDEX = "search/search_index.json"
"""Where Material's search plugin writes the index, under the site folder."""


def prune_search_index(site_dir: Path | str, languages: Iterable[str],
                       fallback_urls: frozenset[str] | set[str] = frozenset()) -> int | None:
    """Rewrite ``site_dir``'s search index without fallback copies (see
    :func:`drop_fallback_copies`); returns how many entries left, None when there is no index.
    Raises ``ValueError`` when the file is not a search index."""
    path = Path(site_dir) / SEARCH_INDEX
    try:
        index = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    entries = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a search index with a list of 'docs'")
    before = len(entries)
    drop_fallback_copies(entries, languages, fallback_urls)
    if len(entries) != before:
        atomic.write_text(path, json.dumps(index, separators=(",", ":")))
    return before - len(entries)


def drop_fallback_copies(entries: list[dict], languages: Iterable[str],
                         fallback_urls: frozenset[str] | set[str] = frozenset()) -> None:
    """Remove, in place, the entries of pages in ``fallback_urls`` (pages shown in the
    default language under another language's prefix, e.g. ``ru/guide/b/``), and entries under
    a language prefix whose title and text are those of the default-language entry at the same
    location without the prefix."""
    prefixes = tuple(f"{lang}/" for lang in languages)
    default = {(e.get("title"), e.get("location"), e.get("text"))
               for e in entries if not e.get("location", "").startswith(prefixes)}
    kept = []
    for entry in entries:
        location = entry.get("location", "")
        if location.split("#", 1)[0] in fallback_urls:
            continue
        if location.startswith(prefixes):
            bare = location.split("/", 1)[1]
            if (entry.get("title"), bare, entry.get("text")) in default:
                continue
        kept.append(entry)
    entries[:] = kept
