"""A knowledge base opened for work: settings, owners, shared facts and the corpus.

Every use case (check, build, index, stale, translations, ...) takes a
:class:`KnowledgeBase`, so the files are read and parsed once per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kbtools.content.config import Config, load_config
from kbtools.content.corpus import Corpus, load_corpus
from kbtools.content.facts import Facts, load_facts
from kbtools.content.macros import Macros, build_macros
from kbtools.content.owners import Owners, load_owners
from kbtools.diagnostics import Finding


@dataclass(frozen=True)
class KnowledgeBase:
    config: Config
    owners: Owners
    facts: Facts
    corpus: Corpus
    setting_findings: tuple[Finding, ...] = ()

    @property
    def root(self) -> Path:
        return self.config.root

    @cached_property
    def macros(self) -> Macros:
        """The macro sandbox with every fact namespace (internal site, tools)."""
        return build_macros(self.root, self.facts.namespaces, self.config.macros_module)

    @cached_property
    def public_macros(self) -> Macros:
        """The macro sandbox for public pages: internal fact namespaces are left out."""
        internal = self.config.internal_facts
        return build_macros(self.root, self.facts.public(internal), self.config.macros_module,
                            hidden=internal)

    def macros_for(self, lang: str | None = None, *, public: bool = False) -> Macros:
        """The macro sandbox for a page in ``lang`` (translated facts where the data has
        them); ``public`` withholds internal fact namespaces."""
        if lang in (None, self.config.default_language) or lang not in self.facts.overrides:
            return self.public_macros if public else self.macros
        key = (lang, public)
        cache = self.__dict__.setdefault("_macros_by_lang", {})
        if key not in cache:
            internal = self.config.internal_facts
            namespaces = (self.facts.public(internal, lang) if public
                          else self.facts.for_language(lang))
            cache[key] = build_macros(self.root, namespaces, self.config.macros_module,
                                      hidden=internal if public else ())
        return cache[key]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Findings met while loading (settings files and articles)."""
        return self.setting_findings + self.corpus.findings


def open_kb(root: Path | str = ".", *, cache: bool = True) -> KnowledgeBase:
    """Load settings, owners, facts and every article under ``root``.

    ``cache`` uses (and refreshes) the parse cache in the state folder; without it every
    file is parsed.

    Raises :class:`~kbtools.errors.ConfigError` only when ``kb.yml`` itself is unusable;
    problems in content are findings.
    """
    config = load_config(Path(root))
    owners, owner_findings = load_owners(config.root, config.owners_file)
    facts, fact_findings = load_facts(config.root, config.facts_dir)
    corpus = load_corpus(config, cache=cache)
    return KnowledgeBase(config, owners, facts, corpus, tuple(owner_findings + fact_findings))
