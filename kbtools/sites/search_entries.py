"""The search index of a multilingual site: one entry per page and language, no copies.

A page without a translation is published in every language (the English text, with a
banner); its copies under ``ru/``, ``fa/`` ... would fill search results with duplicates.
mkdocs-static-i18n removes them by comparing every entry with every other one, which takes
minutes at thousands of pages; :func:`drop_fallback_copies` does the same in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable


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
