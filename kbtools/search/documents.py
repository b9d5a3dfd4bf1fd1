"""Articles as index documents: the fields, the page URLs and a fingerprint per article.

The fingerprint covers everything a document is made from, so an incremental update
re-renders exactly the articles whose fingerprint changed. What every document depends on
(the schema, the shared facts, the macros module) is the *global* fingerprint: when it changes
the index is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import kbtools.search.schema as schema
from kbtools import clock
from kbtools.content.plaintext import plain_text
from kbtools.review.schedule import review_state
from kbtools.search.analysis import weighted_text
from kbtools.search.schema import phrase_field, schema_key, text_field
from kbtools.translations.verdicts import OUTDATED, verdict

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article



@dataclass(frozen=True, slots=True)
class Prepared:
    """One article's index document, or the problems met while rendering it."""

    path: str
    fields: dict
    problems: tuple[str, ...] = ()


def page_url(article: Article, default_language: str) -> str:
    """The article's page URL on a site, from the site root (MkDocs directory URLs).

    ``docs/faq/refund.md`` -> ``/faq/refund/``; ``docs/faq/refund.ru.md`` -> ``/ru/faq/refund/``;
    ``playbooks/outage.md`` -> ``/playbooks/outage/``; ``docs/index.md`` -> ``/``.
    """
    path = article.source or article.path
    relative = path[len("docs/"):] if path.startswith("docs/") else path
    relative = relative[: -len(".md")]
    folder, _, name = relative.rpartition("/")
    url = f"{folder}/" if folder else ""
    if name != "index":
        url += f"{name}/"
    prefix = "" if article.lang == default_language else f"{article.lang}/"
    return f"/{prefix}{url}"


def summary_text(kb: KnowledgeBase, article: Article) -> str:
    """Tags and the kind's "when to use this" texts (playbook triggers, script use_when)."""
    parts = [str(tag).replace("-", " ").replace("_", " ") for tag in article.tags]
    parts.extend(kb.kinds.summary(article))
    return "\n".join(parts)


def fingerprint(kb: KnowledgeBase, article: Article, today: date | None = None) -> str:
    """A short hash of everything the article's document is made from (on ``today``, by
    default the clock's)."""
    source = kb.corpus.get(article.source) if article.source else None
    state = review_state(article, kb, today or clock.today())
    raw = json.dumps([
        article.content_hash, article.title, article.kind, article.lang, article.audience,
        article.owner, list(article.tags), str(state.due), summary_text(kb, article),
        source.content_hash if source else None,
        article.pin.source_hash if article.pin else None,
        bool(article.pin and article.pin.machine),
    ], ensure_ascii=False, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def global_fingerprint(kb: KnowledgeBase) -> str:
    """Hash of what every document depends on: schema, languages, facts (translated ones
    too), macros module."""
    macros_file = kb.config.path(kb.config.macros_module)
    module = macros_file.read_bytes() if macros_file.is_file() else b""
    raw = json.dumps([schema_key(kb.config.languages), kb.config.default_language,
                      kb.facts.namespaces, kb.facts.overrides, hashlib.sha1(module).hexdigest()],
                     sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def prepare(kb: KnowledgeBase, article: Article, fp: str) -> Prepared:
    """The whoosh document for ``article`` (rendered, stripped, split into fields)."""
    lang = article.lang
    # Public pages render with the public sandbox: internal facts can never reach a public
    # snippet, even when an author used one by mistake.
    rendered = plain_text(kb, article, public=article.is_public)
    summary = summary_text(kb, article)
    source = kb.corpus.get(article.source) if article.source else None
    state = review_state(article, kb, clock.today())
    default = kb.config.default_language
    headings = "\n".join(rendered.headings)
    weights = schema.WEIGHTS
    fields = {
        "path": article.path, "kind": article.kind, "lang": lang,
        "audience": article.audience, "owner": article.owner or "",
        "title": article.title, "content": rendered.text,
        "url_internal": page_url(article, default),
        "url_public": page_url(article, default) if article.is_public else "",
        "due": state.due.isoformat() if state.due else "",
        "outdated": bool(article.source and verdict(article, source) == OUTDATED),
        "machine": bool(article.pin and article.pin.machine),
        "fingerprint": fp,
        text_field(lang): weighted_text([(weights["title"], article.title),
                                         (weights["summary"], summary),
                                         (weights["headings"], headings),
                                         (weights["body"], rendered.text)]),
        phrase_field(lang): f"{article.title}\n{headings}",
    }
    return Prepared(article.path, fields, rendered.problems)
