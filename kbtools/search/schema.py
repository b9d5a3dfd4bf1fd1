"""The index schema: which fields each article has, per language.

Text fields exist once per language of the KB (``title_ru``, ``body_ru``, ...), each with that
language's analyzer, so a Russian query is stemmed as Russian and meets Russian articles. Only
the short fields keep word positions (for phrases); the body does not, which halves the cost of
indexing it: a multi-word phrase must then only co-occur in the body.
"""

from __future__ import annotations

import hashlib

from whoosh.fields import ID, STORED, TEXT, Schema

from kbtools.search.analysis import ANALYSIS_VERSION, analyzer

SCHEMA_VERSION = 5
TEXT_PARTS = ("title", "summary", "headings", "body")
PHRASE_PARTS = ("title", "headings")
BOOSTS = {"title": 4.0, "summary": 2.5, "headings": 2.0, "body": 1.0}
STORED_FIELDS = ("title", "content", "url_internal", "url_public", "due", "outdated", "machine",
                 "fingerprint")


def field_name(part: str, lang: str) -> str:
    return f"{part}_{lang}"


def build_schema(languages: tuple[str, ...]) -> Schema:
    """A schema with text fields for each of ``languages``."""
    fields: dict[str, object] = {
        "path": ID(stored=True, unique=True),
        "kind": ID(stored=True),
        "lang": ID(stored=True),
        "audience": ID(stored=True),
        "owner": ID(stored=True),
    }
    for name in STORED_FIELDS:
        fields[name] = STORED()
    for lang in languages:
        stemmed = analyzer(lang)
        for part in TEXT_PARTS:
            fields[field_name(part, lang)] = TEXT(analyzer=stemmed, phrase=part in PHRASE_PARTS)
    return Schema(**fields)


def schema_key(languages: tuple[str, ...]) -> str:
    """Changes whenever the schema or the analysis changes: the index must then be rebuilt."""
    raw = f"{SCHEMA_VERSION}:{ANALYSIS_VERSION}:{','.join(languages)}"
    return hashlib.sha1(raw.encode()).hexdigest()[:12]
