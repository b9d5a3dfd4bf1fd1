"""``kb check``: validate everything and return every problem found, once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from kbtools import clock
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.macros import Macros, has_macros, mask_shortcodes
from kbtools.content.model import Article
from kbtools.diagnostics import (
    Finding,
    FindingCounts,
    Severity,
    error,
    sort_findings,
    warning,
)
from kbtools.errors import KBError


@dataclass(frozen=True)
class CheckReport(FindingCounts):
    findings: tuple[Finding, ...]
    articles: int

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def to_dict(self) -> dict:
        return {"articles": self.articles, "errors": self.errors, "warnings": self.warnings,
                "findings": [f.to_dict() for f in self.findings]}


def check(kb: KnowledgeBase) -> CheckReport:
    """Run every validation over ``kb``; the report lists findings sorted by location."""
    # The links checks need every body's outline, the macro checks every body's macros:
    # read by worker processes when there are many (while this one checks owners and
    # dates), else here, before the checks that need them.
    bodies = ((a.body, a.body_line) for a in kb.corpus.articles)
    outlines = kb.bodies.start_outlines(bodies, scans=_macro_texts(kb))
    findings = list(kb.findings)
    findings.extend(check_owners(kb))
    findings.extend(check_dates(kb))
    outlines()
    findings.extend(check_macros(kb))
    findings.extend(kb.kinds.validate(kb))
    return CheckReport(tuple(sort_findings(findings)), len(kb.corpus))


def _macro_texts(kb: KnowledgeBase) -> tuple[Macros, Iterator[str]] | None:
    """A sandbox and the texts :func:`macro_problems` scans (every sandbox of ``kb`` scans
    alike; the texts are listed only when asked for); None when the sandbox cannot be made
    (:func:`check_macros` says why)."""
    try:
        macros = kb.macros_for(kb.config.default_language, public=False)
    except KBError:
        return None
    strict = kb.config.strict
    texts = (a.body if strict else mask_shortcodes(a.body) for a in kb.corpus.articles)
    return macros, (text for text in texts if has_macros(text))


def check_owners(kb: KnowledgeBase) -> Iterator[Finding]:
    for article in kb.corpus.articles:
        for key in ("owner", "reviewed_by"):
            handle = getattr(article, key)
            if handle and not kb.owners.knows(handle):
                if article.is_translation and key == "owner" and "owner" not in article.lines:
                    continue  # inherited from the source, reported there
                yield error(article.path, article.line_of(key), "meta.unknown-owner",
                            f"unknown {key.replace('_', ' ')} {handle!r}: declare it in "
                            f"{kb.config.owners_file}")


def check_macros(kb: KnowledgeBase) -> Iterator[Finding]:
    """Unknown macros or fact keys, each at its line; internal facts used on a public page;
    macros over a limit (steps, time, size) when the page is rendered as the builds do."""
    strict = kb.config.strict
    for article in kb.corpus.articles:
        found = macro_problems(kb, article)
        if not strict:  # a repository not written for kb: its own templating, kb's advice
            found = [replace(f, severity=Severity.WARNING) for f in found]
        yield from found
        if not found:  # a page with unknown names would stop rendering where they are
            macros = kb.macros_for(article.lang, public=article.is_public)
            body = article.body if strict else mask_shortcodes(article.body)
            yield from macros.limit_problems(body, path=article.path,
                                             first_line=article.body_line,
                                             extra_names=kb.kinds.macro_names(article))


def macro_problems(kb: KnowledgeBase, article: Article) -> list[Finding]:
    """The macro findings of one article, checked in the sandbox its page renders in (its
    language; public pages without internal facts). Names the article's kind declares (a
    script's placeholders) are known names. The macros are parsed once per body (and kept
    between runs, see ``kb.bodies``)."""
    extra = kb.kinds.macro_names(article)
    macros = kb.macros_for(article.lang, public=article.is_public)
    body = article.body if kb.config.strict else mask_shortcodes(article.body)
    scan = kb.bodies.macro_scan(macros, body) if has_macros(body) else None
    return macros.problems(body, path=article.path, first_line=article.body_line,
                           extra_names=extra, scan=scan)


def check_dates(kb: KnowledgeBase) -> Iterator[Finding]:
    today = clock.today()
    for article in kb.corpus.articles:
        if article.reviewed and article.reviewed > today:
            yield warning(article.path, article.line_of("reviewed"), "meta.future-date",
                          f"reviewed date {article.reviewed} is in the future")
