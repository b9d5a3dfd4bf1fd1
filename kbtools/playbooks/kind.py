"""Escalation playbooks: priority, triggers, tiers, the after-hours path.

The front matter of a file in ``playbooks/`` is structured data::

    priority: P1                       # a key of `sla` in macros/data/support.yml
    triggers: ["site down", ...]       # what the agent sees
    tiers:                             # in order; `within` counts from the start of escalation
      - contact: tier1                 # a key of macros/data/contacts.yml
        within: 15m
        do: What this tier does.
        handover: [ticket id, ...]     # what to hand to this tier
        message: outage-acknowledged   # answer script (file stem in docs/scripts/)
        goto: security-incident        # optional: hand over to another playbook (file stem)
    after_hours: {contact: duty-manager, within: 15m, how: ..., message: ...}
    close_when: ...
    deescalate_when: ...

Time limits and the service level of the priority (``validate``): every ``within`` is a
deadline counted from the moment the agent starts the playbook, so deadlines never go down
from one tier to the next; the first tier and the after-hours contact must be reached within
the priority's first-response target, and every tier within its resolution target.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from kbtools.content.durations import format_duration, parse_duration
from kbtools.content.kinds import ParseContext
from kbtools.content.model import KindMeta
from kbtools.diagnostics import Finding, error, warning

if TYPE_CHECKING:
    from kbtools.content.knowledge_base import KnowledgeBase
    from kbtools.content.model import Article

FIELDS = frozenset({"priority", "triggers", "tiers", "after_hours", "close_when",
                    "deescalate_when"})
TIER_FIELDS = ("contact", "within", "do", "handover", "message", "goto")
AFTER_HOURS_FIELDS = ("contact", "within", "how", "message")
_REQUIRED_TIER = ("contact", "within", "do")
_REQUIRED_AFTER_HOURS = ("contact", "within", "how")


@dataclass(frozen=True, slots=True)
class Tier:
    """One step up: who (a contact key), by when, what to do, hand over and tell the customer."""

    index: int  # 0-based position in ``tiers``
    contact: str
    within: timedelta
    do: str
    handover: tuple[str, ...] = ()
    message: str | None = None  # answer script name
    goto: str | None = None  # playbook name this tier hands over to
    line: int = 0

    @property
    def key(self) -> str:
        """Dotted front-matter key of this tier (``tiers.0``)."""
        return f"tiers.{self.index}"


@dataclass(frozen=True, slots=True)
class AfterHours:
    """Who to reach outside support hours, and how."""

    contact: str
    within: timedelta
    how: str
    message: str | None = None
    line: int = 0

    key = "after_hours"


@dataclass(frozen=True, slots=True)
class PlaybookMeta(KindMeta):
    priority: str | None
    triggers: tuple[str, ...] = ()
    tiers: tuple[Tier, ...] = ()
    after_hours: AfterHours | None = None
    close_when: str | None = None
    deescalate_when: str | None = None


# -- parse: one article's front matter -----------------------------------------------------
INTENTS = ("many customers", "lots of customers", "several customers", "multiple customers",
           "everyone", "all customers", "down for everyone", "outage", "incident", "escalate",
           "escalation", "who do i page", "page", "on call", "oncall", "night", "at night",
           "3am", "2am", "4am", "tonight", "overnight", "after hours", "weekend", "p1", "p2",
           "sev1", "playbook")
"""How agents ask for an escalation playbook rather than a reply (search intents)."""


def summary(meta: KindMeta) -> tuple[str, ...]:
    """When to use the playbook: its triggers (indexed for search)."""
    return meta.triggers if isinstance(meta, PlaybookMeta) else ()


def parse(ctx: ParseContext) -> PlaybookMeta:
    """Type the playbook fields; shape problems become findings at the offending key's line.

    A translation may leave the structured fields out (they belong to the source).
    """
    data = ctx.data
    required = not ctx.is_translation
    priority = data.get("priority")
    if priority is None:
        if required:
            ctx.error("title", "playbook.priority", "missing priority (a key of sla in the "
                      "shared support facts, e.g. P1)")
    elif not isinstance(priority, str):
        ctx.error("priority", "playbook.priority", f"priority must be text such as P1, "
                  f"got {priority!r}")
        priority = None
    return PlaybookMeta(
        priority=priority,
        triggers=_triggers(ctx, required),
        tiers=_tiers(ctx, required),
        after_hours=_after_hours(ctx),
        close_when=_text(ctx, "close_when"),
        deescalate_when=_text(ctx, "deescalate_when"),
    )


def _text(ctx: ParseContext, key: str) -> str | None:
    value = ctx.data.get(key)
    if value is not None and not isinstance(value, str):
        ctx.error(key, "meta.type", f"{key} must be text, got {value!r}")
        return None
    return value


def _item_text(ctx: ParseContext, item: Mapping, key: str, name: str) -> str | None:
    value = item.get(name)
    if value is None or isinstance(value, str):
        return value
    ctx.error(f"{key}.{name}", "meta.type", f"{name} must be text, got {value!r}")
    return None


def _triggers(ctx: ParseContext, required: bool) -> tuple[str, ...]:
    raw = ctx.data.get("triggers")
    if raw is None:
        if required:
            ctx.error("title", "playbook.triggers",
                      "missing triggers: list what the agent sees, e.g. ['site down']")
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
        ctx.error("triggers", "playbook.triggers", "triggers must be a list of phrases")
        return ()
    return tuple(t.strip() for t in raw)


def _tiers(ctx: ParseContext, required: bool) -> tuple[Tier, ...]:
    raw = ctx.data.get("tiers")
    if raw is None or raw == []:
        if required:
            ctx.error("tiers" if raw == [] else "title", "playbook.tiers",
                      "a playbook needs at least one tier: {contact, within, do}")
        return ()
    if not isinstance(raw, list):
        ctx.error("tiers", "playbook.tiers", "tiers must be a list of {contact, within, do, "
                  "handover, message, goto}")
        return ()
    tiers = []
    for index, item in enumerate(raw):
        tier = _tier(ctx, index, item)
        if tier is not None:
            tiers.append(tier)
    return tuple(tiers)


def _fields(ctx: ParseContext, key: str, item: object, allowed: tuple[str, ...],
            required: tuple[str, ...], code: str) -> bool:
    """Check a mapping's keys; report unknown and missing ones. True if usable."""
    if not isinstance(item, dict):
        ctx.error(key, code, f"{key} must be a mapping with {', '.join(required)}")
        return False
    usable = True
    for name in item:
        if name not in allowed:
            ctx.error(f"{key}.{name}", code,
                      f"unknown field {name!r} in {key} (expected {', '.join(allowed)})")
    for name in required:
        if item.get(name) in (None, ""):
            ctx.error(key, code, f"{key} is missing {name!r}")
            usable = False
    return usable


def _within(ctx: ParseContext, key: str, value: object) -> timedelta | None:
    try:
        return parse_duration(value)
    except ValueError as exc:
        ctx.error(f"{key}.within", "playbook.within", str(exc))
        return None


def _tier(ctx: ParseContext, index: int, item: object) -> Tier | None:
    key = f"tiers.{index}"
    if not _fields(ctx, key, item, TIER_FIELDS, _REQUIRED_TIER, "playbook.tier"):
        return None
    assert isinstance(item, dict)
    within = _within(ctx, key, item["within"])
    texts = {name: _item_text(ctx, item, key, name)
             for name in ("contact", "do", "message", "goto")}
    handover = item.get("handover") or []
    if isinstance(handover, str):
        handover = [handover]
    if not isinstance(handover, list) or not all(isinstance(h, (str, int)) for h in handover):
        ctx.error(f"{key}.handover", "meta.type", "handover must be a list of items")
        handover = []
    if within is None or texts["contact"] is None or texts["do"] is None:
        return None
    return Tier(index, texts["contact"], within, texts["do"], tuple(str(h) for h in handover),
                texts["message"], texts["goto"], ctx.meta.line_of(key, 1))


def _after_hours(ctx: ParseContext) -> AfterHours | None:
    item = ctx.data.get("after_hours")
    key = "after_hours"
    if item is None or not _fields(ctx, key, item, AFTER_HOURS_FIELDS, _REQUIRED_AFTER_HOURS,
                                   "playbook.after-hours"):
        return None
    within = _within(ctx, key, item["within"])
    texts = {name: _item_text(ctx, item, key, name) for name in AFTER_HOURS_FIELDS[2:]}
    contact = _item_text(ctx, item, key, "contact")
    if within is None or contact is None or texts["how"] is None:
        return None
    return AfterHours(contact, within, texts["how"], texts["message"], ctx.meta.line_of(key, 1))


# -- validate: against the shared facts and the rest of the corpus -------------------------
def validate(kb: KnowledgeBase) -> Iterator[Finding]:
    """Contacts exist, limits fit the SLA, after-hours paths exist where required, scripts
    exist, ``goto`` targets exist and never loop. Public playbooks are reported by the loader.
    """
    books = {a.name: a for a in kb.corpus.of_kind("playbook")
             if not a.is_translation and a.details_as(PlaybookMeta) is not None}
    scripts = {a.name for a in kb.corpus.of_kind("script") if not a.is_translation}
    for article in books.values():
        yield from _check_one(kb, article, article.details, scripts, books)  # type: ignore[arg-type]
    yield from _cycles(books)


def _check_one(kb: KnowledgeBase, article: Article, meta: PlaybookMeta, scripts: set[str],
               books: Mapping[str, Article]) -> Iterator[Finding]:
    path = article.path
    for step in (*meta.tiers, *([meta.after_hours] if meta.after_hours else [])):
        if step.contact not in kb.facts.contacts:
            yield error(path, article.line_of(f"{step.key}.contact"), "playbook.contact",
                        f"unknown contact {step.contact!r}: declare it in "
                        f"{kb.facts.files.get('contacts', 'macros/data/contacts.yml')}")
        if step.message and step.message not in scripts:
            yield error(path, article.line_of(f"{step.key}.message"), "playbook.script",
                        f"unknown answer script {step.message!r}: expected the name of a file "
                        "in docs/scripts/ without .md")
    for tier in meta.tiers:
        if tier.goto and tier.goto not in books:
            yield error(path, article.line_of(f"{tier.key}.goto"), "playbook.goto",
                        f"unknown playbook {tier.goto!r}: expected the name of a file in "
                        "playbooks/ without .md")
    yield from _check_order(article, meta)
    if meta.priority is None:
        return
    level = kb.facts.service_levels.get(meta.priority)
    if level is None:
        known = ", ".join(kb.facts.service_levels) or "none declared"
        yield error(path, article.line_of("priority"), "playbook.priority",
                    f"unknown priority {meta.priority!r} (expected one of: {known})")
        return
    yield from _check_sla(article, meta, level)
    if meta.priority in kb.facts.after_hours_required:
        if meta.after_hours is None:
            yield error(path, article.line_of("priority"), "playbook.after-hours",
                        f"a {meta.priority} playbook must define after_hours: {{contact, "
                        "within, how, message}")
        elif _hours(kb, meta.after_hours.contact) == "business":
            yield warning(path, article.line_of("after_hours.contact"),
                          "playbook.after-hours-contact",
                          f"after-hours contact {meta.after_hours.contact!r} works business "
                          "hours only")


def _hours(kb: KnowledgeBase, contact: str) -> object:
    found = kb.facts.contacts.get(contact)
    return found.details.get("hours") if found else None


def _check_order(article: Article, meta: PlaybookMeta) -> Iterator[Finding]:
    for before, tier in pairwise(meta.tiers):
        if tier.within < before.within:
            yield error(article.path, article.line_of(f"{tier.key}.within"),
                        "playbook.tier-order",
                        f"tier {tier.index + 1} is due within {format_duration(tier.within)}, "
                        f"before tier {before.index + 1} ({format_duration(before.within)}); "
                        "time limits count from the start of the escalation")


def _check_sla(article: Article, meta: PlaybookMeta, level) -> Iterator[Finding]:
    def over(step, limit: timedelta, what: str) -> Finding:
        return error(article.path, article.line_of(f"{step.key}.within"), "playbook.sla",
                     f"{step.key} within {format_duration(step.within)} exceeds the "
                     f"{meta.priority} {what} target of {format_duration(limit)}")

    first = [meta.tiers[0]] if meta.tiers else []
    if meta.after_hours:
        first.append(meta.after_hours)
    for step in first:
        if step.within > level.first_response:
            yield over(step, level.first_response, "first response")
    for tier in meta.tiers:
        if tier.within > level.resolution:
            yield over(tier, level.resolution, "resolution")


def _cycles(books: Mapping[str, Article]) -> Iterator[Finding]:
    """One finding per ``goto`` loop, at the goto line of the loop's first playbook by name.

    Depth-first search with colours: an edge back to a playbook still on the stack closes a
    loop. Linear in playbooks and gotos.
    """
    edges = {name: [t for t in a.details.tiers if t.goto in books]  # type: ignore[union-attr]
             for name, a in sorted(books.items())}
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    seen: set[frozenset[str]] = set()
    for root in edges:
        if root in state:
            continue
        state[root] = 1
        trail, todo = [root], [iter(edges[root])]
        while todo:
            tier = next(todo[-1], None)
            if tier is None:
                state[trail.pop()] = 2
                todo.pop()
                continue
            target = tier.goto
            if state.get(target) == 1:
                loop = trail[trail.index(target):]
                if frozenset(loop) not in seen:
                    seen.add(frozenset(loop))
                    yield _cycle_finding(books, edges, loop)
            elif target not in state:
                state[target] = 1
                trail.append(target)  # type: ignore[arg-type]
                todo.append(iter(edges[target]))  # type: ignore[index]


def _cycle_finding(books: Mapping[str, Article], edges: Mapping[str, list[Tier]],
                   loop: list[str]) -> Finding:
    first = loop.index(min(loop))
    loop = loop[first:] + loop[:first]
    following = loop[1 % len(loop)]
    tier = next(t for t in edges[loop[0]] if t.goto == following)
    article = books[loop[0]]
    return error(article.path, article.line_of(f"{tier.key}.goto"), "playbook.cycle",
                 "goto loops back: " + " -> ".join([*loop, loop[0]]) +
                 "; a playbook must not hand over to one that leads back to it")
