"""``kb lint``: check answer scripts and FAQ entries against the tone guidelines' rules.

Rules come from the ``rules:`` of tone articles (see :mod:`kbtools.kinds.tone`) and work like
Vale's: ``existence`` (a token must not appear), ``substitution`` (a phrase has a preferred
alternative) and ``occurrence`` (a token must appear at least ``min`` / at most ``max`` times
per text, sentence or line). A rule applies to an article by kind, language and, for answer
scripts, situation and channel (a translation has its source's).

Rules see prose only: what the Markdown reader (:mod:`kbtools.content.markdown`) marks as
code, template expressions, comments, link targets, URLs, HTML tags, attribute lists and
admonition markers is blanked out first, keeping every other character where it was, so a
finding's ``line:col`` points into the file as written.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.markdown import read
from kbtools.content.model import Article
from kbtools.diagnostics import Finding, FindingCounts, sort_findings
from kbtools.errors import NotFoundError, UsageError
from kbtools.scripts.kind import ScriptMeta
from kbtools.scripts.replies import script_info
from kbtools.scripts.tone import Rule, rules_of


@dataclass(frozen=True)
class LintReport(FindingCounts):
    """Findings (rule findings carry ``source``: the tone article), and what was checked."""

    findings: tuple[Finding, ...]
    checked: int
    rules: int

    def to_dict(self) -> dict:
        return {"checked": self.checked, "rules": self.rules, "errors": self.errors,
                "warnings": self.warnings, "findings": [f.to_dict() for f in self.findings]}


def rule_finding(rule: Rule, path: str, line: int, col: int, detail: str) -> Finding:
    """A rule's finding in the one format, its extras in the message and code:
    ``path:line:col: level: message (detail; rule from guideline) [lint.rule-id]``;
    ``source`` keeps the guideline for programs."""
    return Finding(path, line, f"lint.{rule.id}",
                   f"{rule.message} ({detail}; rule from {rule.source})", rule.severity,
                   col=col, source=rule.source)


def format_finding(finding: Finding) -> str:
    """The finding's one-line text (the same as :meth:`Finding.format`)."""
    return finding.format()


def lint(kb: KnowledgeBase, paths: Iterable[str | Path] = ()) -> LintReport:
    """Lint the scripts and FAQ entries under ``paths`` (repo-relative or absolute files or
    folders; everything when empty). Invalid rules are reported too, never skipped silently.

    Raises :class:`NotFoundError` for a path that does not exist and :class:`UsageError`
    for a file that is neither an answer script nor an FAQ entry.
    """
    rules = rules_of(kb)
    articles = select_articles(kb, paths)
    findings = [f for f in kb.corpus.findings if f.code.startswith("tone.")]
    for article in articles:
        findings.extend(lint_article(kb, article, rules))
    return LintReport(tuple(sort_findings(findings)), len(articles), len(rules))


def select_articles(kb: KnowledgeBase, paths: Iterable[str | Path] = ()) -> list[Article]:
    """The lintable articles under ``paths`` (see :func:`lint`)."""
    linted = kb.kinds.linted
    lintable = [a for a in kb.corpus.articles if a.kind in linted]
    wanted = [_relative(kb, p) for p in paths]
    if not wanted:
        return lintable
    chosen: dict[str, Article] = {}
    for target in wanted:
        if target.endswith(".md"):
            article = kb.corpus.get(target)
            if article is None:
                raise NotFoundError(f"{target}: no such article")
            if article.kind not in linted:
                checked = ", ".join(kb.kinds[k].title.lower() for k in linted)
                raise UsageError(f"{target} is a {article.kind}; kb lint checks {checked}")
            chosen[target] = article
        else:
            if not (kb.root / target).is_dir():
                raise NotFoundError(f"{target}: no such file or folder")
            prefix = "" if target in ("", ".") else target.rstrip("/") + "/"
            chosen.update((a.path, a) for a in lintable if a.path.startswith(prefix))
    return sorted(chosen.values(), key=lambda a: a.path)


def _relative(kb: KnowledgeBase, path: str | Path) -> str:
    path = Path(path)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(kb.root.resolve()).as_posix()
        except ValueError:
            raise NotFoundError(f"{path} is outside the knowledge base {kb.root}") from None
    return path.as_posix()


def lint_article(kb: KnowledgeBase, article: Article, rules: Iterable[Rule]) -> list[Finding]:
    """Findings of every rule that applies to ``article``."""
    situation = channel = None
    if article.details_as(ScriptMeta) is not None:
        info = script_info(kb, article)
        situation, channel = info.situation, info.channel
    applicable = [r for r in rules
                  if r.applies_to.matches(article.kind, article.lang, situation, channel)]
    if not applicable:
        return []
    text = prose(article.body)
    where = _Locator(article, text)
    found: list[Finding] = []
    for rule in applicable:
        for offset, detail in _CHECKS[rule.kind](rule, text):
            line, col = where(offset)
            found.append(rule_finding(rule, article.path, line, col, detail))
    return found


# -- the three rule kinds: each yields (offset, suggestion) ---------------------------------

def _existence(rule: Rule, text: str) -> Iterator[tuple[int, str]]:
    for pattern in rule.tokens:
        for match in pattern.finditer(text):
            if match.group():
                yield match.start(), f"found '{match.group()}'"


def _substitution(rule: Rule, text: str) -> Iterator[tuple[int, str]]:
    if rule.swap_pattern is not None:
        matches = ((rule.swaps[int(m.lastgroup[1:])], m)
                   for m in rule.swap_pattern.finditer(text) if m.lastgroup)
    else:
        matches = ((swap, m) for swap in rule.swaps for m in swap.pattern.finditer(text))
    for swap, match in matches:
        said = match.group()
        if not said or said.casefold() == swap.suggestion.casefold():
            continue
        yield match.start(), (f"use '{swap.suggestion}' instead of '{said}'"
                              if swap.suggestion else f"remove '{said}'")


def _occurrence(rule: Rule, text: str) -> Iterator[tuple[int, str]]:
    for start, end in _UNITS[rule.scope](text):
        unit = text[start:end]
        # counting with findall runs in C; positions are only needed for a finding
        found = sum(len(p.findall(unit)) for p in rule.tokens)
        if rule.min is not None and found < rule.min:
            yield start, f"found {found}, expected at least {rule.min}"
        if rule.max is not None and found > rule.max:
            hits = sorted(m.start() for p in rule.tokens for m in p.finditer(unit))
            yield start + hits[rule.max], f"found {found}, expected at most {rule.max}"


_CHECKS = {"existence": _existence, "substitution": _substitution, "occurrence": _occurrence}


# -- scopes: spans of the prose text ---------------------------------------------------------

def _text_span(text: str) -> Iterator[tuple[int, int]]:
    stripped = text.strip()
    if stripped:
        start = len(text) - len(text.lstrip())
        yield start, start + len(stripped)


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            lead = len(body) - len(body.lstrip())
            yield offset + lead, offset + len(body.rstrip())
        offset += len(line)


# A sentence ends at . ! ? … before a space, at a blank line, and before a line that starts a
# list item, heading, table row or admonition; a single line break inside a paragraph is a space.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'”»)]*\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#|\||>))")


def _sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    for block_start, block_end in _text_span(text):
        start = block_start
        for match in _SENTENCE_END.finditer(text, block_start, block_end):
            yield from _trimmed(text, start, match.start())
            start = match.end()
        yield from _trimmed(text, start, block_end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        yield start + lead, start + len(piece.rstrip())


_UNITS = {"text": _text_span, "sentence": _sentence_spans, "line": _line_spans}


# -- prose: the body with everything that is not prose blanked out ---------------------------

# What the Markdown reader marks that rules must not see; link brackets, emphasis and block
# markers stay (sentences end before a list item or heading).
_HIDDEN = frozenset({"code", "comment", "macro", "html", "url", "target", "attrs", "footnote",
                     "task", "marker", "definition"})


def prose(body: str) -> str:
    """``body`` with non-prose blanked to spaces (newlines kept, so offsets still match).

    A template expression such as ``{{ customer_name }}`` becomes underscores: one word to
    sentence-length rules, and nothing any phrase rule would match.
    """
    out, at = [], 0
    for span in read(body).markup:
        if span.kind not in _HIDDEN:
            continue
        start = max(span.start + (span.kind == "target"), at)  # a target keeps its `]`
        if span.end <= start:
            continue
        fill = "_" if span.kind == "macro" and body.startswith("{{", span.start) else " "
        out.append(body[at:start])
        out.append("\n".join(fill * len(part) for part in body[start:span.end].split("\n")))
        at = span.end
    return "".join(out) + body[at:]


class _Locator:
    """Offset in the body -> ``(file line, column)``, both 1-based."""

    def __init__(self, article: Article, text: str) -> None:
        self.first = article.body_line
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.first + index, offset - self.starts[index] + 1
