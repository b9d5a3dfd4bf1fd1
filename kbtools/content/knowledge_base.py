"""A knowledge base opened for work: settings, kinds, owners, shared facts and the corpus.

Every use case (check, build, index, stale, translations, ...) takes a
:class:`KnowledgeBase`, so the files are read and parsed once per run. What a use case derives
from the loaded content and wants to keep for the rest of the run (a macro sandbox per
language, the search engine, playbook lookups) is kept in :attr:`KnowledgeBase.memo`, never in
a module global: it lives and dies with the content it was derived from. What is derived from
each body and costs a parse (links, headings and ids; macro scans) is also kept between runs
(:attr:`KnowledgeBase.bodies`); the front-end calls :meth:`KnowledgeBase.save_caches` once a
command is done. The repository's git history is read once per run as well
(:attr:`KnowledgeBase.history`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from kbtools.content.bodycache import BodyCache, body_cache_file
from kbtools.content.compiled import CompiledCache, compiled_cache_file
from kbtools.content.config import Config, load_config
from kbtools.content.corpus import Corpus, load_corpus
from kbtools.content.durations import Cadence
from kbtools.content.facts import Facts, load_facts
from kbtools.content.kinds import Registry
from kbtools.content.macros import Macros, build_macros
from kbtools.content.owners import Owners, load_owners
from kbtools.diagnostics import Finding
from kbtools.git import History, load_history

T = TypeVar("T")
_BODIES = "kb.bodies"  # memo key of the body cache
_COMPILED = "kb.compiled"  # memo key of the compiled macros
_HISTORY = "kb.history"  # memo key of the git history


class Memo:
    """Values derived from one loaded knowledge base, computed once per key (thread-safe)."""

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}
        self._lock = threading.RLock()

    def get(self, key: Any, make: Callable[[], T]) -> T:
        """The value for ``key``, made by ``make()`` the first time."""
        try:
            return self._values[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._values:
                self._values[key] = make()
            return self._values[key]

    def set(self, key: Any, value: Any) -> None:
        with self._lock:
            self._values[key] = value

    def peek(self, key: Any, default: Any = None) -> Any:
        return self._values.get(key, default)


@dataclass(frozen=True)
class KnowledgeBase:
    config: Config
    kinds: Registry
    owners: Owners
    facts: Facts
    corpus: Corpus
    setting_findings: tuple[Finding, ...] = ()
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)
    """Derived values kept for this run (see the module docstring)."""
    cache: bool = True
    """Whether derived data may be read from and kept in the state folder."""

    @property
    def root(self) -> Path:
        return self.config.root

    def cadence(self, kind: str) -> Cadence:
        """The review cadence of ``kind``: ``review_every`` in kb.yml, else the kind's own."""
        return self.config.review_every.get(kind) or self.kinds[kind].default_cadence

    @cached_property
    def macros(self) -> Macros:
        """The macro sandbox with every fact namespace (internal site, tools)."""
        return build_macros(self.root, self.facts.namespaces, self.config.macros_module,
                            cache=self.compiled)

    @cached_property
    def public_macros(self) -> Macros:
        """The macro sandbox for public pages: internal fact namespaces are left out."""
        internal = self.config.internal_facts
        return build_macros(self.root, self.facts.public(internal), self.config.macros_module,
                            hidden=internal, cache=self.compiled)

    @property
    def compiled(self) -> CompiledCache | None:
        """Pages' macros compiled by earlier runs (:class:`CompiledCache`, opened on first
        use, kept by :meth:`save_caches`); None without the state folder's caches."""
        if not self.cache:
            return None
        return self.memo.get(_COMPILED, lambda: CompiledCache(compiled_cache_file(self.config)))

    @property
    def history(self) -> History:
        """The repository's git history, read once for the run (one ``git log`` pass) on
        first use: the translation report, the content-health page and the public pages'
        dates of a build share it. Like the content, it is the repository as opened."""
        return self.memo.get(_HISTORY, lambda: load_history(self.root, self.config.scanned_roots))

    def macros_for(self, lang: str | None = None, *, public: bool = False) -> Macros:
        """The macro sandbox for a page in ``lang`` (translated facts where the data has
        them); ``public`` withholds internal fact namespaces."""
        if lang in (None, self.config.default_language) or lang not in self.facts.overrides:
            return self.public_macros if public else self.macros
        internal = self.config.internal_facts

        def make() -> Macros:
            namespaces = (self.facts.public(internal, lang) if public
                          else self.facts.for_language(lang))
            return build_macros(self.root, namespaces, self.config.macros_module,
                                hidden=internal if public else (), cache=self.compiled)

        return self.memo.get(("macros", lang, public), make)

    @property
    def bodies(self) -> BodyCache:
        """Outlines and macro scans of bodies (:class:`BodyCache`), read from the state
        folder on first use, kept there by :meth:`save_caches`."""
        return self.memo.get(_BODIES, lambda: BodyCache(
            body_cache_file(self.config) if self.cache else None))

    def save_caches(self) -> None:
        """Keep what this run derived for the next run (once the run is done). Never fails:
        a state folder that cannot be written is skipped."""
        bodies = self.memo.peek(_BODIES)
        if bodies is not None:
            bodies.save((article.body, article.body_line) for article in self.corpus.articles)
        compiled = self.memo.peek(_COMPILED)
        if compiled is not None:
            compiled.save()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Findings met while loading (settings files and articles)."""
        return self.setting_findings + self.corpus.findings


def open_kb(root: Path | str, kinds: Registry, *, cache: bool = True) -> KnowledgeBase:
    """Load settings, owners, facts and every article under ``root``, with ``kinds``.

    ``cache`` uses (and refreshes) the parse cache in the state folder; without it every
    file is parsed. Front-ends use :func:`kbtools.registry.open_kb`, which passes the kinds
    this package ships.

    Raises :class:`~kbtools.errors.ConfigError` only when ``kb.yml`` itself is unusable;
    problems in content are findings.
    """
    config = load_config(Path(root), kinds.names)
    owners, owner_findings = load_owners(config.root, config.owners_file)
    facts, fact_findings = load_facts(config.root, config.facts_dir)
    corpus = load_corpus(config, kinds, cache=cache)
    return KnowledgeBase(config, kinds, owners, facts, corpus,
                         tuple(owner_findings + fact_findings), cache=cache)
