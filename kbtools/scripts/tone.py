"""Tone guidelines: prose for people, plus optional checkable ``rules`` (Vale-style).

A rule in the front matter's ``rules:`` list::

    - id: filler-words              # stable id, unique across the KB; shown in every finding
      kind: substitution            # existence | substitution | occurrence
      level: warning                # error | warning (default warning)
      message: Remove filler words.
      ignorecase: true              # default false
      scope: text                   # occurrence only: text | sentence | line (default text)
      tokens: ['\\bhaha\\b']         # existence, occurrence: regular expressions, used as written
      swap: {"just": ""}            # substitution: phrase (regex) -> suggestion ("" = remove);
                                    # matched as whole words unless nonword: true
      min: 1                        # occurrence: at least / at most this many per scope unit
      max: 30
      applies_to: {kinds: [script, faq], situations: [outage], channels: [email], langs: [en]}

:func:`parse` turns the list into typed :class:`Rule` objects with compiled patterns; every
bad rule is a finding at its line (unknown kind, bad regex, missing fields) and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbtools.content.kinds import ParseContext
from kbtools.content.model import KindMeta
from kbtools.diagnostics import Finding, Severity, error, warning
from kbtools.scripts.kind import CHANNELS, ScriptMeta

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase

FIELDS = frozenset({"rules"})

RULE_KINDS = ("existence", "substitution", "occurrence")
SCOPES = ("text", "sentence", "line")
LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING}
FILTERS = ("kinds", "situations", "channels", "langs")
_COMMON = {"id", "kind", "level", "message", "ignorecase", "applies_to"}
_KEYS = {
    "existence": _COMMON | {"tokens"},
    "substitution": _COMMON | {"swap", "nonword"},
    "occurrence": _COMMON | {"tokens", "scope", "min", "max"},
}
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class AppliesTo:
    """Which articles a rule checks; an empty filter matches everything (every kind that
    ``kb lint`` checks, for ``kinds``)."""

    kinds: frozenset[str] = frozenset()
    situations: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    langs: frozenset[str] = frozenset()

    def matches(self, kind: str, lang: str, situation: str | None,
                channel: str | None) -> bool:
        """True when an article with these traits is in the rule's reach.

        A filter on situations or channels never matches an article that has none (an FAQ).
        """
        return ((not self.kinds or kind in self.kinds)
                and (not self.langs or lang in self.langs)
                and (not self.situations or situation in self.situations)
                and (not self.channels or channel in self.channels))


@dataclass(frozen=True, slots=True)
class Swap:
    """One substitution: ``pattern`` (compiled from ``phrase``) should become ``suggestion``."""

    phrase: str
    suggestion: str
    pattern: re.Pattern


@dataclass(frozen=True, slots=True)
class Rule:
    """One checkable tone rule, with the article (``source``) and line it was declared at."""

    id: str
    kind: str
    severity: Severity
    message: str
    source: str
    line: int
    applies_to: AppliesTo = field(default_factory=AppliesTo)
    tokens: tuple[re.Pattern, ...] = ()
    swaps: tuple[Swap, ...] = ()
    swap_pattern: re.Pattern | None = None
    """All swap phrases in one pattern (longest first); group ``s<i>`` is ``swaps[i]``."""
    scope: str = "text"
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True, slots=True)
class ToneMeta(KindMeta):
    """A tone article's typed metadata: its valid rules (bad ones are findings)."""

    rules: tuple[Rule, ...] = ()


def parse(ctx: ParseContext) -> ToneMeta:
    raw = ctx.data.get("rules")
    if raw is None:
        return ToneMeta()
    if not isinstance(raw, list):
        ctx.error("rules", "tone.rules", "rules must be a list of rule mappings")
        return ToneMeta()
    rules = []
    for index, item in enumerate(raw):
        rule = _RuleParser(ctx, f"rules.{index}", item).parse()
        if rule is not None:
            rules.append(rule)
    return ToneMeta(tuple(rules))


class _RuleParser:
    """Parse one ``rules[i]`` mapping; report each problem at its own line."""

    def __init__(self, ctx: ParseContext, key: str, item: object) -> None:
        self.ctx, self.key, self.item = ctx, key, item
        self.ok = True
        self.label = key

    def bad(self, sub: str, code: str, message: str) -> None:
        self.ok = False
        self.ctx.error(f"{self.key}.{sub}" if sub else self.key, code,
                       f"{self.label}: {message}")

    def parse(self) -> Rule | None:
        item = self.item
        if not isinstance(item, dict):
            self.bad("", "tone.rule", f"expected a mapping with id, kind, message; got {item!r}")
            return None
        rule_id = item.get("id")
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            self.bad("id" if "id" in item else "", "tone.rule-id",
                     "missing id" if rule_id is None else
                     f"id {rule_id!r} must be lower-case letters, digits, '-', '_' or '.'")
        else:
            self.label = f"rule {rule_id!r}"
        kind = item.get("kind")
        if kind not in RULE_KINDS:
            self.bad("kind" if "kind" in item else "", "tone.rule-kind",
                     ("missing kind" if kind is None else f"unknown kind {kind!r}")
                     + f" (expected {'|'.join(RULE_KINDS)})")
            return None
        for extra in sorted(set(map(str, item)) - _KEYS[kind]):
            self.bad(extra, "tone.rule-field",
                     f"unknown field {extra!r} for a {kind} rule "
                     f"(allowed: {', '.join(sorted(_KEYS[kind]))})")
        message = item.get("message")
        if not isinstance(message, str) or not message.strip():
            self.bad("message" if "message" in item else "", "tone.rule-message",
                     "missing message: say why, so the writer can act on the finding")
        level = item.get("level", "warning")
        if level not in LEVELS:
            self.bad("level", "tone.rule-level", f"unknown level {level!r} (expected error|warning)")
        flags = re.IGNORECASE if self._flag("ignorecase") else 0
        applies = self._applies_to()
        values: dict = {}
        if kind in ("existence", "occurrence"):
            values["tokens"] = self._tokens(flags)
        if kind == "substitution":
            nonword = self._flag("nonword")
            values["swaps"] = self._swaps(flags, nonword=nonword)
            values["swap_pattern"] = _combined(values["swaps"], flags, nonword)
        if kind == "occurrence":
            values.update(self._occurrence())
        if not self.ok:
            return None
        return Rule(rule_id, kind, LEVELS[level], message.strip(), self.ctx.path,
                    self.ctx.meta.line_of(self.key, 1), applies, **values)

    def _flag(self, name: str) -> bool:
        value = self.item.get(name, False)
        if not isinstance(value, bool):
            self.bad(name, "tone.rule-field", f"{name} must be true or false, got {value!r}")
            return False
        return value

    def _compile(self, sub: str, text: object, flags: int, wrap: bool = False) -> re.Pattern | None:
        if not isinstance(text, str) or not text:
            self.bad(sub, "tone.rule-regex", f"expected a non-empty pattern, got {text!r}")
            return None
        try:
            compiled = re.compile(f"(?<!\\w)(?:{text})(?!\\w)" if wrap else text, flags)
        except re.error as exc:
            self.bad(sub, "tone.rule-regex", f"bad regular expression {text!r}: {exc}")
            return None
        if compiled.search("") is not None:
            self.bad(sub, "tone.rule-regex",
                     f"{text!r} matches empty text, so it would match everywhere")
            return None
        return compiled

    def _tokens(self, flags: int) -> tuple[re.Pattern, ...]:
        tokens = self.item.get("tokens")
        if not isinstance(tokens, list) or not tokens:
            self.bad("tokens" if "tokens" in self.item else "", "tone.rule-tokens",
                     "needs tokens: a non-empty list of regular expressions")
            return ()
        compiled = [self._compile(f"tokens.{i}", t, flags) for i, t in enumerate(tokens)]
        return tuple(p for p in compiled if p is not None)

    def _swaps(self, flags: int, *, nonword: bool) -> tuple[Swap, ...]:
        swap = self.item.get("swap")
        if not isinstance(swap, dict) or not swap:
            self.bad("swap" if "swap" in self.item else "", "tone.rule-swap",
                     "needs swap: a mapping of phrase -> suggestion ('' to remove)")
            return ()
        found = []
        for phrase, suggestion in swap.items():
            sub = f"swap.{phrase}"
            if suggestion is None:
                suggestion = ""
            if not isinstance(suggestion, str):
                self.bad(sub, "tone.rule-swap", f"suggestion for {phrase!r} must be text")
                continue
            pattern = self._compile(sub, phrase, flags, wrap=not nonword)
            if pattern is not None:
                found.append(Swap(str(phrase), suggestion, pattern))
        return tuple(found)

    def _occurrence(self) -> dict:
        scope = self.item.get("scope", "text")
        if scope not in SCOPES:
            self.bad("scope", "tone.rule-scope", f"unknown scope {scope!r} (expected {'|'.join(SCOPES)})")
        bounds = {}
        for name in ("min", "max"):
            value = self.item.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 0):
                self.bad(name, "tone.rule-field", f"{name} must be a whole number >= 0, got {value!r}")
                value = None
            bounds[name] = value
        if "min" not in self.item and "max" not in self.item:
            self.bad("", "tone.rule-field", "an occurrence rule needs min, max or both")
        elif (bounds["min"] is not None and bounds["max"] is not None
              and bounds["min"] > bounds["max"]):
            self.bad("min", "tone.rule-field", f"min {bounds['min']} is above max {bounds['max']}")
        return {"scope": scope, **bounds}

    def _applies_to(self) -> AppliesTo:
        raw = self.item.get("applies_to")
        if raw is None:
            return AppliesTo()
        if not isinstance(raw, dict):
            self.bad("applies_to", "tone.rule-applies",
                     f"applies_to must map {', '.join(FILTERS)} to lists")
            return AppliesTo()
        values: dict[str, frozenset[str]] = {}
        for key, value in raw.items():
            sub = f"applies_to.{key}"
            if key not in FILTERS:
                self.bad(sub, "tone.rule-applies",
                         f"unknown filter {key!r} (expected {', '.join(FILTERS)})")
                continue
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.bad(sub, "tone.rule-applies", f"{key} must be a list of names, got {value!r}")
                continue
            values[key] = frozenset(value)
        linted = self.ctx.kinds.linted
        unknown = values.get("kinds", frozenset()) - set(linted)
        if unknown:
            self.bad("applies_to.kinds", "tone.rule-applies",
                     f"kb lint checks only {', '.join(linted)}, not {', '.join(sorted(unknown))}")
        return AppliesTo(**values)


def _combined(swaps: tuple[Swap, ...], flags: int, nonword: bool) -> re.Pattern | None:
    """One pattern for every phrase of a rule, so a text is scanned once per rule."""
    if not swaps:
        return None
    order = sorted(range(len(swaps)), key=lambda i: -len(swaps[i].phrase))
    body = "|".join(f"(?P<s{i}>{swaps[i].phrase})" for i in order)
    pattern = body if nonword else f"(?<!\\w)(?:{body})(?!\\w)"
    try:
        return re.compile(pattern, flags)
    except re.error:  # phrases that only work alone (e.g. backreferences): scan one by one
        return None


def rules_of(kb: KnowledgeBase) -> list[Rule]:
    """Every valid rule of every tone article (sources first, in path order)."""
    found: list[Rule] = []
    for article in kb.corpus.of_kind("tone"):
        meta = article.details_as(ToneMeta)
        if meta is not None:
            found.extend(meta.rules)
    return found


def validate(kb: KnowledgeBase) -> Iterator[Finding]:
    """Rule ids unique across the KB; languages, channels and situations that exist."""
    seen: dict[str, Rule] = {}
    languages = set(kb.config.languages)
    situations = _situations(kb)
    for rule in rules_of(kb):
        first = seen.setdefault(rule.id, rule)
        if first is not rule:
            yield error(rule.source, rule.line, "tone.rule-id",
                        f"rule id {rule.id!r} is already used at {first.source}:{first.line}; "
                        "findings could not say which rule they come from")
        applies = rule.applies_to
        for lang in sorted(applies.langs - languages):
            yield error(rule.source, rule.line, "tone.rule-applies",
                        f"rule {rule.id!r}: unknown language {lang!r} "
                        f"(kb.yml languages: {', '.join(kb.config.languages)})")
        for channel in sorted(applies.channels - set(CHANNELS)):
            yield error(rule.source, rule.line, "tone.rule-applies",
                        f"rule {rule.id!r}: unknown channel {channel!r} (expected {'|'.join(CHANNELS)})")
        for situation in sorted(applies.situations - situations):
            yield warning(rule.source, rule.line, "tone.rule-situation",
                          f"rule {rule.id!r}: no answer script has situation {situation!r} "
                          f"(known: {', '.join(sorted(situations)) or 'none'}); a typo?")


def _situations(kb: KnowledgeBase) -> set[str]:
    found = set()
    for article in kb.corpus.of_kind("script"):
        meta = article.details_as(ScriptMeta)
        if meta is not None and meta.situation:
            found.add(meta.situation)
    return found

