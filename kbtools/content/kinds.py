"""Kinds of article, declared once: the registry every tool asks.

A :class:`Kind` says everything the tools need to know about one kind of article: which
folder makes it, the front-matter fields it adds and how they are parsed into typed metadata,
its cross-article checks, its default review cadence, how its page body is rendered, the
pages it adds to the site, whether ``kb lint`` checks it and whether it may be public.
A :class:`Registry` holds the kinds of a knowledge base and the report pages that belong to no
kind; ``kbtools.registry`` assembles the one this package ships, and adding a kind is one
entry there (see ``tests/test_registry.py``, which registers a new kind in a test).

This module sits below the capability packages: they declare their kinds with it, it never
imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kbtools.content.durations import Cadence, parse_cadence
from kbtools.content.pages import GeneratedPage
from kbtools.content.yamldoc import YAMLDoc
from kbtools.diagnostics import Finding, error, warning

if TYPE_CHECKING:
    from kbtools.content.model import Article, KindMeta

# Functions a kind provides take the opened knowledge base (``kbtools.content.knowledge_base``,
# which sits above this module): typed as Any here so the registry needs nothing above it.
Validator = Callable[[Any], Iterable[Finding]]
"""``validate(kb)``: cross-article findings for ``kb check`` (contacts exist, ...)."""
Renderer = Callable[..., str]
"""``render(kb, article, body)``: the page body of an article, given its body after macros;
``render(kb, article, body, lang)`` for a kind that declares ``render_lang`` (``lang``: the
reader's language)."""
PageProvider = Callable[[Any], list[GeneratedPage]]
"""``pages(kb)``: pages the site gains (indexes, reports)."""
INTERNAL_PAGES = "kb_internal_pages"


def internal_pages(provider: PageProvider) -> PageProvider:
    """Mark the report ``provider`` as making pages of the internal site only: a public
    site's build does not call it (a content-health page costs a stale report and a
    translation report)."""
    setattr(provider, INTERNAL_PAGES, True)
    return provider


@dataclass
class ParseContext:
    """What a kind's ``parse`` gets: the article's path, front matter, the registry it is
    parsed with (to name other kinds) and a findings list."""

    path: str
    meta: YAMLDoc
    body: str
    body_line: int
    is_translation: bool
    kinds: Registry
    findings: list[Finding] = field(default_factory=list)

    @property
    def data(self) -> Mapping:
        return self.meta.data  # type: ignore[return-value]

    def error(self, key: str, code: str, message: str) -> None:
        self.findings.append(error(self.path, self.meta.line_of(key, 1), code, message))

    def warning(self, key: str, code: str, message: str) -> None:
        self.findings.append(warning(self.path, self.meta.line_of(key, 1), code, message))


@dataclass(frozen=True)
class Kind:
    """One kind of article and everything the tools do differently for it."""

    name: str
    """The kind's name in front matter, settings and options (``playbook``)."""
    folder: str | None
    """Repo-relative folder whose articles are of this kind (``playbooks/``); None for the
    catch-all kind of every other article under ``docs/``."""
    title: str
    """What people call a group of them (``Escalation playbooks``)."""
    cadence: str = "180d"
    """Default review cadence (``review_every`` in ``kb.yml`` overrides it)."""
    fields: frozenset[str] = frozenset()
    """Front-matter fields this kind adds to the common ones."""
    parse: Callable[[ParseContext], KindMeta | None] | None = None
    """Turns those fields into typed metadata (``Article.details``), reporting problems."""
    validate: Validator | None = None
    """Cross-article checks ``kb check`` runs."""
    render: Renderer | None = None
    """The page body on the sites (None: the body as written)."""
    render_lang: bool = False
    """Whether ``render`` takes the reader's language as a fourth argument: its page has
    interface strings from the catalogs (the onboarding widget), and a language without a
    translation of the article shows the source article with the reader's strings."""
    pages: PageProvider | None = None
    """Pages this kind adds to the internal site (an index of playbooks, ...)."""
    linted: bool = False
    """Whether ``kb lint`` checks these articles against the tone rules."""
    may_be_public: bool = True
    """False for kinds that must never reach the public site (playbooks)."""
    macro_names: Callable[[KindMeta], Iterable[str]] | None = None
    """Names an article's own metadata makes known to its macros (answer-script
    placeholders); the body may use them besides the shared facts."""
    summary: Callable[[KindMeta], Iterable[str]] | None = None
    """Texts from the metadata that say when to use the article (playbook triggers, a
    script's use-when); search indexes them beside the title."""
    intents: tuple[str, ...] = ()
    """Words and phrases with which a query asks for this kind ("reply template" for answer
    scripts); search favours the kind's articles for such a query. ``search_intents`` in
    ``kb.yml`` adds to them."""

    @cached_property
    def default_cadence(self) -> Cadence:
        """:attr:`cadence`, parsed once (every article's review state asks for it)."""
        return parse_cadence(self.cadence)


Check = Callable[[Any], Iterable[Finding]]
"""A check over the whole knowledge base that belongs to no kind (links between articles)."""


class Registry:
    """The kinds of a knowledge base, in the order folders are matched, plus report pages and
    the checks that belong to no kind."""

    def __init__(self, kinds: Iterable[Kind], reports: Iterable[PageProvider] = (),
                 checks: Iterable[Check] = ()) -> None:
        self._kinds: dict[str, Kind] = {}
        for kind in kinds:
            if kind.name in self._kinds:
                raise ValueError(f"kind {kind.name!r} is registered twice")
            self._kinds[kind.name] = kind
        catch_all = [k.name for k in self._kinds.values() if k.folder is None]
        if len(catch_all) != 1:
            raise ValueError(f"exactly one kind must have no folder, got {catch_all}")
        self._catch_all = self._kinds[catch_all[0]]
        # The longest folder wins, so a kind may live inside another kind's folder.
        self._by_folder = sorted((k for k in self._kinds.values() if k.folder),
                                 key=lambda k: -len(k.folder or ""))
        self.reports: tuple[PageProvider, ...] = tuple(reports)
        self.checks: tuple[Check, ...] = tuple(checks)

    def __getitem__(self, name: str) -> Kind:
        return self._kinds[name]

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def __iter__(self) -> Iterator[Kind]:
        return iter(self._kinds.values())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    @property
    def linted(self) -> tuple[str, ...]:
        """Names of the kinds ``kb lint`` checks."""
        return tuple(k.name for k in self if k.linted)

    def kind_of(self, source_path: str) -> str | None:
        """Kind of the article at repo-relative ``source_path``; None if it is no article."""
        for kind in self._by_folder:
            if source_path.startswith(kind.folder or ""):
                return kind.name
        return self._catch_all.name if source_path.startswith("docs/") else None

    @property
    def default_kind(self) -> str:
        """The kind of an article under a content root that no kind's folder claims."""
        return self._catch_all.name

    def macro_names(self, article: Article) -> tuple[str, ...]:
        """Names ``article``'s metadata adds to its macros (see :attr:`Kind.macro_names`)."""
        kind = self._kinds.get(article.kind)
        if kind is None or kind.macro_names is None or article.details is None:
            return ()
        return tuple(kind.macro_names(article.details))

    def summary(self, article: Article) -> tuple[str, ...]:
        """The kind's "when to use this" texts of ``article`` (see :attr:`Kind.summary`)."""
        kind = self._kinds.get(article.kind)
        if kind is None or kind.summary is None or article.details is None:
            return ()
        return tuple(kind.summary(article.details))

    def render_body(self, kb: Any, article: Article, body: str, lang: str | None = None) -> str:
        """The page body of ``article`` for readers of ``lang`` (its own language when None)."""
        kind = self._kinds.get(article.kind)
        if kind is None or kind.render is None:
            return body
        if kind.render_lang:
            return kind.render(kb, article, body, lang or article.lang)
        return kind.render(kb, article, body)

    def same_for_every_reader(self, article: Article) -> bool:
        """Whether ``article``'s page body is the same whatever its reader's language (its
        kind renders none in the reader's language: see :meth:`render_body`)."""
        kind = self._kinds.get(article.kind)
        return kind is None or kind.render is None or not kind.render_lang

    def generated_pages(self, kb: Any, *, public: bool = False) -> list[GeneratedPage]:
        """Every page the kinds and reports add to the sites, in registration order;
        ``public``: not those of the reports marked :func:`internal_pages`, which are then
        not made at all. A public site still shows only the pages whose audience is
        public."""
        found: list[GeneratedPage] = []
        for kind in self:
            if kind.pages:
                found.extend(kind.pages(kb))
        for provider in self.reports:
            if not (public and getattr(provider, INTERNAL_PAGES, False)):
                found.extend(provider(kb))
        return found

    def validate(self, kb: Any) -> Iterator[Finding]:
        """Every kind's cross-article validation, then the checks that belong to no kind."""
        for kind in self:
            if kind.validate:
                yield from kind.validate(kb)
        for check in self.checks:
            yield from check(kb)
