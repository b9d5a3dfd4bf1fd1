"""The index schema: which fields each article has, per language.

Each language of the KB has two text fields, with that language's analyzer, so a Russian
query is stemmed as Russian and meets Russian articles:

- ``text_<lang>``: the whole article in one field, each part's words weighted
  (:data:`WEIGHTS`: title, summary, headings, body) through token boosts. Its term weights are
  BM25F's weighted term frequencies, and the field's length is the article's, so the scorer
  saturates and length-normalises once per article: a page that repeats a word in its body
  cannot outscore the page whose title is the question by the sum of four separately
  saturated fields. No positions are kept (half the cost of indexing).
- ``phrase_<lang>``: title and headings with word positions, for quoted phrases.

The weights and BM25's k1 and b were chosen on ``bench/relevance.py``.
"""

from __future__ import annotations

import hashlib

from whoosh.fields import ID, STORED, TEXT, Schema

from kbtools.search.analysis import ANALYSIS_VERSION, analysis_key, analyzer

SCHEMA_VERSION = 6
WEIGHTS = {"title": 3.0, "summary": 2.0, "headings": 1.0, "body": 1.0}
"""How much one occurrence of a word counts in each part of an article."""
STORED_FIELDS = ("title", "content", "url_internal", "url_public", "due", "outdated", "machine",
                 "fingerprint")


def text_field(lang: str) -> str:
    return f"text_{lang}"


def phrase_field(lang: str) -> str:
    return f"phrase_{lang}"


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
        fields[text_field(lang)] = TEXT(analyzer=analyzer(lang), phrase=False)
        fields[phrase_field(lang)] = TEXT(analyzer=analyzer(lang), phrase=True)
    return Schema(**fields)


def schema_key(languages: tuple[str, ...]) -> str:
    """Changes whenever the schema, the weights or the analysis change: the index must then
    be rebuilt."""
    weights = ",".join(f"{part}={weight:g}" for part, weight in WEIGHTS.items())
    raw = (f"{SCHEMA_VERSION}:{ANALYSIS_VERSION}:{analysis_key(languages)}:{weights}:"
           f"{','.join(languages)}")
    return hashlib.sha1(raw.encode()).hexdigest()[:12]
