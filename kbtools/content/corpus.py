"""Load every article of a knowledge base into typed :class:`~kbtools.model.Article` objects.

This is the one loader: the site, search, freshness, stale checks, linting and the CLI all
read content through :func:`load_corpus`. A bad file never stops the load; it becomes
findings with a path and line, and the rest of the corpus is still there.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from kbtools.content import frontmatter
from kbtools.content.cache import CorpusCache, Entry, stat_key
from kbtools.content.config import Config, locate
from kbtools.content.durations import parse_cadence
from kbtools.content.files import scan_tree
from kbtools.content.kinds import ParseContext, Registry
from kbtools.content.model import (
    AUDIENCES,
    INTERNAL,
    PUBLIC,
    Article,
    TranslationPin,
    content_hash,
    translatable_texts,
)
from kbtools.content.yamldoc import YAMLDoc
from kbtools.diagnostics import Finding, error, warning

__all__ = ["Corpus", "load_corpus", "scan_markdown", "content_hash", "translatable_texts", "locate",
           "CONTENT_ROOTS"]

CONTENT_ROOTS = ("docs", "playbooks")
"""The default content roots (``Config.content_roots``)."""
COMMON_FIELDS = frozenset(
    {"title", "audience", "owner", "reviewed", "reviewed_by", "review_every", "tags", "promoted"}
)
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class Corpus:
    """All articles of a knowledge base, and the findings met while loading them."""

    articles: tuple[Article, ...]
    findings: tuple[Finding, ...] = ()
    by_path: Mapping[str, Article] = field(default_factory=dict)
    translations: Mapping[str, Mapping[str, Article]] = field(default_factory=dict)
    skipped: Mapping[str, str] = field(default_factory=dict)
    """Markdown files under the content roots that are no article, with why (the first error
    that stopped them: ``missing title [meta.title]``): reports list them, never drop them."""

    def get(self, path: str) -> Article | None:
        return self.by_path.get(path)

    def sources(self) -> Iterator[Article]:
        return (a for a in self.articles if not a.is_translation)

    def of_kind(self, kind: str) -> Iterator[Article]:
        return (a for a in self.articles if a.kind == kind)

    def translations_of(self, source_path: str) -> Mapping[str, Article]:
        """Translations of ``source_path`` by language."""
        return self.translations.get(source_path, {})

    def __len__(self) -> int:
        return len(self.articles)


def scan_markdown(root: Path, findings: list[Finding] | None = None,
                  roots: tuple[str, ...] = CONTENT_ROOTS) -> list[tuple[str, os.stat_result]]:
    """``(repo-relative path, stat)`` of every ``.md`` file under ``roots`` (the config's
    :attr:`~kbtools.content.config.Config.scanned_roots`), sorted.

    Only the repository's own regular files count: no symbolic link is followed (see
    :mod:`kbtools.content.files`); the finding for each link met is added to ``findings``.
    """
    tree = scan_tree(root, roots, with_stat=(".md",))
    if findings is not None:
        findings.extend(tree.findings)
    return [(path, tree.stats[path]) for path in tree.files if path in tree.stats]


def load_corpus(config: Config, kinds: Registry, *, cache: bool = True) -> Corpus:
    """Read and validate every article under ``config.root``, each of its kind in
    ``kinds``; never raises for bad content.

    With ``cache``, files unchanged since the last run come from the parse cache in the state
    folder (see :mod:`kbtools.corpus_cache`) instead of being parsed again.
    """
    store = CorpusCache(config, kinds) if cache else None
    symlinks: list[Finding] = []
    files = scan_markdown(config.root, symlinks, config.scanned_roots)
    parsed: dict[str, tuple[Article | None, tuple[Finding, ...]]] = {}
    misses = []
    for relative, stat in files:
        key = stat_key(stat)
        entry = store.get(relative, key) if store else None
        if entry is None:
            misses.append((relative, stat.st_size, key))
        else:
            parsed[relative] = (entry.article, entry.findings)
    for (relative, _, key), (article, findings) in zip(
            misses, _parse_files(config, kinds, misses), strict=True):
        parsed[relative] = (article, findings)
        if store:
            store.put(relative, Entry(key, article, findings))
    loader = _Loader(config, kinds)
    loader.findings.extend(symlinks)  # never followed; each one is a finding
    for relative, _ in files:
        article, findings = parsed[relative]
        if article is not None:
            loader.articles.append(article)
        else:
            loader.skipped[relative] = _reason(findings)
        loader.findings.extend(findings)
    corpus = loader.finish()
    if store:
        store.save()
    return corpus


def _parse_files(config: Config, kinds: Registry, items) -> list[tuple[Article | None, tuple[Finding, ...]]]:
    """``(article or None, findings)`` for each ``(relative, size, key)`` in ``items``."""
    loader = _Loader(config, kinds)
    results = []
    for relative, size, _ in items:
        articles, findings = len(loader.articles), len(loader.findings)
        loader.load_file(relative, size)
        article = loader.articles[-1] if len(loader.articles) > articles else None
        results.append((article, tuple(loader.findings[findings:])))
    return results


class _Loader:
    def __init__(self, config: Config, kinds: Registry) -> None:
        self.config = config
        self.kinds = kinds
        self.findings: list[Finding] = []
        self.articles: list[Article] = []
        self.skipped: dict[str, str] = {}
        self.languages = set(config.languages)
        settings = config.translations
        self.texts = settings.translatable_fields
        self.pin_keys = (settings.source_commit_key, settings.source_hash_key,
                         settings.machine_key)
        self.pin_roots = frozenset(key.split(".")[0] for key in self.pin_keys)

    # -- one file ---------------------------------------------------------------------
    def load_file(self, relative: str, size: int | None = None) -> None:
        file = self.config.root / relative
        try:
            if size is None:
                size = file.stat().st_size
            if size > self.config.max_file_bytes:
                self.findings.append(error(
                    relative, 0, "file.too-large",
                    f"file is {size / 1e6:.1f} MB, over the {self.config.max_file_bytes / 1e6:.1f}"
                    " MB limit for an article; split it or move attachments out"))
                return
            raw = file.read_bytes()
        except OSError as exc:
            self.findings.append(error(relative, 0, "file.unreadable", f"cannot read: {exc.strerror}"))
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            self.findings.append(error(
                relative, line, "file.encoding",
                f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8"))
            return
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            parsed = frontmatter.parse(text)
        except frontmatter.FrontMatterError as exc:
            if self.config.strict or exc.code != "meta.missing":
                self.findings.append(error(relative, exc.line, exc.code, str(exc)))
                return
            # a repository not written for kb: a snippet included by its site generator
            parsed = frontmatter.Parsed(YAMLDoc({}, {}, ()), text, 1)
        article = self._article(relative, parsed)
        if article is not None:
            self.articles.append(article)

    def _locate(self, relative: str) -> tuple[str, str | None]:
        """Return ``(lang, source_path)``; source is None for a source article."""
        lang, source = locate(self.config, relative)
        if source is not None:
            return lang, source
        head, dot, suffix = relative[: -len(".md")].rpartition(".")
        if dot and _LANG.match(suffix) and "/" not in suffix \
                and suffix != self.config.default_language:
            self.findings.append(warning(
                relative, 0, "file.language",
                f"'.{suffix}.md' looks like a translation, but {suffix!r} is not among the "
                f"configured languages ({', '.join(self.config.languages)}); add it to kb.yml"))
        return self.config.default_language, None

    def _article(self, relative: str, parsed: frontmatter.Parsed) -> Article | None:
        meta: YAMLDoc = parsed.meta
        data: dict = meta.data  # type: ignore[assignment]
        lang, source = self._locate(relative)
        kind = self.kinds.kind_of(source or relative) or self.kinds.default_kind
        spec = self.kinds[kind]
        strict = self.config.strict
        is_translation = source is not None
        findings = self.findings

        def bad(key: str, code: str, message: str) -> None:
            findings.append(error(relative, meta.line_of(key, 1), code, message))

        for key, line in meta.duplicates:
            findings.append(error(relative, line, "meta.duplicate-key",
                                  f"field {key!r} is given twice; the last value would win"))
        allowed = COMMON_FIELDS | spec.fields | self.pin_roots | set(self.config.extra_fields) \
            | {key.split(".")[0] for key in self.texts}
        for key in data if strict else ():
            if key not in allowed:
                hint = _closest(str(key), allowed)
                bad(str(key), "meta.unknown-field",
                    f"unknown field {key!r} for a {kind}" + (f" (did you mean {hint!r}?)" if hint else ""))

        title = data.get("title")
        if isinstance(title, (int, float, date)) and not isinstance(title, bool):
            title = str(title)  # title: 2024 is the text "2024"
        if not isinstance(title, str) or not title.strip():
            message = "missing title" if title is None else f"title must be text, got {title!r}"
            if strict:
                bad("title", "meta.title", message)
                return None
            title = _heading(parsed.body) or relative.rsplit("/", 1)[-1][:-len(".md")]
            findings.append(warning(relative, meta.line_of("title", 1), "meta.title",
                                    f"{message}; using {title!r}"))

        audience = data.get("audience", INTERNAL)
        if audience not in AUDIENCES:
            bad("audience", "meta.audience",
                f"unknown audience {audience!r} (expected {'|'.join(AUDIENCES)})")
            audience = INTERNAL
        if audience == PUBLIC and not spec.may_be_public:
            bad("audience", f"{kind}.public",
                f"{kind}s are internal and can never be public; remove 'audience: public'")
            audience = INTERNAL

        owner = self._text(data, "owner", bad)
        reviewed_by = self._text(data, "reviewed_by", bad)
        reviewed = self._date(data, "reviewed", bad)
        review_every = None
        if data.get("review_every") is not None:
            try:
                review_every = parse_cadence(data["review_every"])
            except ValueError as exc:
                bad("review_every", "meta.review-every", str(exc))
        tags = data.get("tags") or []
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
            bad("tags", "meta.tags", f"tags must be a list of words, got {tags!r}")
            tags = []

        promoted = data.get("promoted", False)
        if not isinstance(promoted, bool):
            bad("promoted", "meta.type", f"promoted must be true or false, got {promoted!r}")
            promoted = False
        pin = self._pin(data, meta, relative) if is_translation else None
        ctx = ParseContext(relative, meta, parsed.body, parsed.body_line, is_translation,
                           self.kinds)
        details = spec.parse(ctx) if spec.parse else None
        findings.extend(ctx.findings)

        return Article(
            path=relative, kind=kind, lang=lang, title=title.strip(), audience=audience,
            owner=owner, reviewed=reviewed, reviewed_by=reviewed_by, review_every=review_every,
            tags=tuple(str(t) for t in tags), promoted=promoted, body=parsed.body, body_line=parsed.body_line,
            source=source, pin=pin, details=details, lines=meta.lines,
            texts=translatable_texts(data, self.texts),
        )

    @staticmethod
    def _text(data: dict, key: str, bad) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            bad(key, "meta.type", f"{key} must be a handle (text), got {value!r}")
            return None
        return value.strip()

    @staticmethod
    def _date(data: dict, key: str, bad) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            bad(key, "meta.date", f"invalid date {value!r} for {key}: expected YYYY-MM-DD")
            return None

    def _pin(self, data: dict, meta: YAMLDoc, relative: str) -> TranslationPin:
        values = []
        for key in self.pin_keys:
            value: object = data
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            values.append(value)
        commit, digest, machine = values
        for key, value in zip(self.pin_keys[:2], (commit, digest), strict=True):
            if value is not None and not isinstance(value, (str, int)):
                self.findings.append(error(relative, meta.line_of(key, 1), "translation.pin",
                                           f"{key} must be text, got {value!r}"))
        if machine is not None and not isinstance(machine, bool):
            self.findings.append(error(relative, meta.line_of(self.pin_keys[2], 1),
                                       "translation.pin", f"{self.pin_keys[2]} must be true or false"))
        root = self.pin_keys[0].split(".")[0]
        block = data.get(root)
        if isinstance(block, dict) and root == "translation":
            for key in block:
                if f"translation.{key}" not in self.pin_keys:
                    self.findings.append(error(
                        relative, meta.line_of(f"translation.{key}", 1), "meta.unknown-field",
                        f"unknown field 'translation.{key}' (expected source_commit, "
                        "source_hash, machine)"))
        return TranslationPin(
            None if commit is None else str(commit), None if digest is None else str(digest),
            machine is True)

    # -- the whole corpus ---------------------------------------------------------------
    def finish(self) -> Corpus:
        by_path = {a.path: a for a in self.articles}
        translations: dict[str, dict[str, Article]] = defaultdict(dict)
        final: list[Article] = []
        for article in self.articles:
            if article.source is None:
                final.append(article)
                continue
            source = by_path.get(article.source)
            if source is None:
                self.findings.append(error(
                    article.path, 1, "translation.no-source",
                    f"translation of {article.source}, which does not exist "
                    "(renamed or deleted?); move or delete the translation"))
            declared = article.lines.get("audience")
            inherited = source.audience if source else INTERNAL
            if declared and article.audience != inherited:
                self.findings.append(error(
                    article.path, declared, "translation.audience",
                    f"a translation inherits audience {inherited!r} from its source; "
                    "remove the audience field"))
            article = replace(article, audience=inherited,
                               owner=article.owner or (source.owner if source else None))
            by_path[article.path] = article
            translations[article.source][article.lang] = article
            final.append(article)
        self._duplicate_titles(final)
        return Corpus(tuple(final), tuple(self.findings), by_path,
                      {k: dict(v) for k, v in translations.items()}, dict(self.skipped))

    def _duplicate_titles(self, articles: list[Article]) -> None:
        seen: dict[tuple[str, str], Article] = {}
        for article in articles:
            key = (article.lang, article.title.casefold())
            first = seen.setdefault(key, article)
            if first is not article:
                self.findings.append((error if self.config.strict else warning)(
                    article.path, article.line_of("title"), "meta.duplicate-title",
                    f"title {article.title!r} is already used by {first.path}; "
                    "readers and search cannot tell them apart"))


def _heading(body: str) -> str | None:
    match = re.search(r"^#[ \t]+(.+?)[ \t#]*$", body, re.M)
    return match.group(1).strip() if match else None


def _reason(findings: tuple[Finding, ...]) -> str:
    for finding in findings:
        if finding.is_error:
            return f"{finding.message} [{finding.code}]"
    return "not read"


def _closest(key: str, candidates) -> str | None:
    matches = difflib.get_close_matches(key, sorted(candidates), n=1, cutoff=0.75)
    return matches[0] if matches else None
