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
    promoted: bool = False
    """``promoted: true``: the help-center home lists it among the promoted answers."""
    body: str = ""
    body_line: int = 1
    source: str | None = None
    pin: TranslationPin | None = None
    details: KindMeta | None = None
    lines: Mapping[str, int] = field(default_factory=dict)
    texts: tuple[tuple[str, str], ...] = ()
    """The translatable front-matter fields present (``title``, ``description``, ...; see
    ``TranslationSettings.translatable_fields``) as ``(key, text)``: content, like the body."""

    @cached_property
    def content_hash(self) -> str:
        """Hash of the substance of the translatable fields and the body (see
        :func:`content_hash`), computed on first use."""
        return content_hash(self.body, self.texts)

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
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_UNDERSCORE = re.compile(r"(?<!\w)_+|_+(?!\w)")
"""Emphasis underscores: ``_word_`` and ``__word__``, not the one inside ``host_metrics``."""


def content_hash(body: str, texts: tuple[tuple[str, str], ...] = ()) -> str:
    """Hash of the substance of a markdown body and of its translatable front-matter ``texts``.

    Code counts byte for byte: fenced code blocks and inline code spans. Prose counts by its
    words, numbers and links: whitespace, line wrapping, emphasis markers, heading, quote and
    list markers (and list numbering) and Unicode composition do not change it.
    """
    digest = hashlib.sha256()
    for key, value in texts:
        digest.update(f"{key}\x1f{' '.join(value.split())}\x1e".encode())
    body = unicodedata.normalize("NFC", body)
    if "`" not in body and "~~~" not in body:
        digest.update(_prose(body).encode("utf-8"))
        return digest.hexdigest()[:16]
    for is_code, part in _parts(body):
        digest.update(b"\x00code\x00" + part.encode("utf-8") + b"\x00" if is_code
                      else _prose(part).encode("utf-8") + b" ")
    return digest.hexdigest()[:16]


def _parts(body: str):
    """``(is_code, text)`` runs of ``body``: fenced blocks and inline code spans are code."""
    prose: list[str] = []
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            prose.append(lines[i])
            i += 1
            continue
        yield from _spans("\n".join(prose))
        prose = []
        fence = opening.group(1)
        block = [lines[i]]
        i += 1
        while i < len(lines):
            block.append(lines[i])
            closing = _FENCE.match(lines[i])
            i += 1
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence) \
                    and not lines[i - 1].strip()[len(closing.group(1)):].strip():
                break
        yield True, "\n".join(block)
    yield from _spans("\n".join(prose))


def _spans(text: str):
    last = 0
    for match in _CODE_SPAN.finditer(text):
        yield False, text[last:match.start()]
        yield True, match.group(0)
        last = match.end()
    yield False, text[last:]


def _prose(text: str) -> str:
    text = _BLOCK_MARKERS.sub(" ", text)
    for marker in "*~":  # str.replace: str.translate is 15x slower on non-ASCII text
        text = text.replace(marker, "")
    if "_" in text:
        text = _UNDERSCORE.sub("", text)
    return " ".join(text.split())


def translatable_texts(data: Mapping, fields: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The translatable front-matter ``fields`` (dotted) present in ``data``, as text."""
    texts = []
    for key in fields:
        value: object = data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        if value is not None and not isinstance(value, (Mapping, bool)):
            texts.append((key, str(value)))
    return tuple(texts)
