"""The content model: typed articles, as every tool sees them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TypeVar

from kbtools.content.durations import Cadence

PUBLIC, INTERNAL = "public", "internal"
AUDIENCES = (PUBLIC, INTERNAL)


class KindMeta:
    """Base of every kind's typed metadata (``Article.details``): a frozen dataclass per
    kind, declared beside the kind (``kbtools.playbooks.kind.PlaybookMeta``, ...)."""

    __slots__ = ()


M = TypeVar("M", bound=KindMeta)


@dataclass(frozen=True, slots=True)
class TranslationPin:
    """The source state a translation was made from."""

    source_commit: str | None = None
    source_hash: str | None = None
    machine: bool = False

    @property
    def tracked(self) -> bool:
        return bool(self.source_commit or self.source_hash)


@dataclass(frozen=True, eq=False)
class Article:
    """One markdown file of the knowledge base, with its typed metadata.

    ``path`` is repo-relative posix. For a translation, ``source`` is the source's path and
    ``audience`` is the source's (inherited). ``lines`` maps dotted front-matter keys to their
    file line; ``details`` is the kind's typed metadata (see :mod:`kbtools.content.kinds`),
    or None for kinds without metadata and front matter too broken to parse.
    """

    path: str
    kind: str
    lang: str
    title: str
    audience: str = INTERNAL
    owner: str | None = None
    reviewed: date | None = None
    reviewed_by: str | None = None
    review_every: Cadence | None = None
    tags: tuple[str, ...] = ()
    body: str = ""
    body_line: int = 1
    source: str | None = None
    pin: TranslationPin | None = None
    details: KindMeta | None = None
    lines: Mapping[str, int] = field(default_factory=dict)

    @cached_property
    def content_hash(self) -> str:
        """Hash of the body's substance (see :func:`content_hash`), computed on first use."""
        return content_hash(self.body)

    @property
    def is_translation(self) -> bool:
        return self.source is not None

    @property
    def is_public(self) -> bool:
        return self.audience == PUBLIC

    @property
    def name(self) -> str:
        """The file stem without language: ``docs/faq/refund.ru.md`` -> ``refund``."""
        stem = self.path.rsplit("/", 1)[-1][: -len(".md")]
        if self.is_translation and stem.endswith(f".{self.lang}"):
            stem = stem[: -len(self.lang) - 1]
        return stem

    def details_as(self, cls: type[M]) -> M | None:
        """The kind metadata when it is a ``cls`` (``article.details_as(PlaybookMeta)``),
        else None: the one typed way to read another kind's metadata."""
        details = self.details
        return details if isinstance(details, cls) else None

    def line_of(self, key: str) -> int:
        """The file line of front-matter ``key`` (or its nearest parent; 1 if absent)."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return 1


_BLOCK_MARKERS = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]|>[ \t]?|[-*+][ \t]|\d+[.)][ \t])", re.M)
_INLINE_MARKERS = "*_`~"


def content_hash(body: str) -> str:
    """Hash of the substance of a markdown body.

    Whitespace, line wrapping, emphasis markers, heading, quote and list markers (and list
    numbering) and Unicode composition do not change it; words, numbers, links and code do.
    """
    text = unicodedata.normalize("NFC", body)
    text = _BLOCK_MARKERS.sub(" ", text)
    for marker in _INLINE_MARKERS:  # str.replace: str.translate is 15x slower on non-ASCII text
        text = text.replace(marker, "")
    text = " ".join(text.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
