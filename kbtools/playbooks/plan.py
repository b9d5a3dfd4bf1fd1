"""Escalation playbooks as data: steps with contact details, the escalation plan, the export.

Everything here reads the typed playbook metadata the loader parsed
(:mod:`kbtools.kinds.playbook`) and the shared facts (service levels, contacts, support
hours); nothing is parsed twice. Pages and the flowchart are drawn in
:mod:`kbtools.playbook_page`.

The escalation plan (:func:`plan`) answers "who do I contact next, by when":

- within support hours, the tiers in order, each due ``within`` after the start;
- outside support hours with an ``after_hours`` path, that contact first; then the tiers whose
  contacts are reachable outside business hours (``hours: always`` in the contacts data); the
  tiers whose contacts work business hours only are skipped (the after-hours contact covers
  them);
- outside support hours without an ``after_hours`` path, every tier waits for the next opening
  and its deadline counts from there.

Deadlines are computed on the real time line (UTC), so a limit crossing a daylight-saving
change is still the right number of minutes, then shown in the support time zone.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kbtools import clock
from kbtools.content.durations import format_duration
from kbtools.content.facts import DAYS, ServiceLevel, SupportHours
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.errors import NotFoundError, UsageError
from kbtools.playbooks.kind import AfterHours, PlaybookMeta, Tier

_REACH_ORDER = ("phone", "pager", "channel", "email")


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """A contact from the shared data, as a step shows it."""

    key: str
    name: str | None  # None when the contact is not declared (``kb check`` reports it)
    hours: str | None = None  # "business", "always" or None when not said
    reach: tuple[tuple[str, str], ...] = ()  # (how, value): phone, pager, channel, email ...

    @property
    def label(self) -> str:
        return self.name or self.key

    @property
    def after_hours(self) -> bool:
        """True unless the contact is declared to work business hours only."""
        return self.hours != "business"


@dataclass(frozen=True, slots=True)
class Ref:
    """A referenced article (answer script or playbook) by name, resolved when it exists."""

    name: str
    title: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One tier (``number`` 1, 2, ...) or the after-hours contact (``number`` None)."""

    number: int | None
    contact: ContactInfo
    within: timedelta
    do: str
    handover: tuple[str, ...] = ()
    message: Ref | None = None
    goto: Ref | None = None

    @property
    def after_hours(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class Playbook:
    """A playbook with its service level and contacts filled in from the shared facts."""

    article: Article
    priority: str | None
    level: ServiceLevel | None
    triggers: tuple[str, ...]
    tiers: tuple[Step, ...]
    after_hours: Step | None
    close_when: str | None
    deescalate_when: str | None

    @property
    def name(self) -> str:
        return self.article.name

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def path(self) -> str:
        return self.article.path


# -- reading -------------------------------------------------------------------------------
def load_playbook(kb: KnowledgeBase, article: Article) -> Playbook:
    """The playbook view of ``article`` (a source playbook the loader parsed)."""
    meta = article.details
    if not isinstance(meta, PlaybookMeta):
        raise NotFoundError(f"{article.path} is not a playbook")
    scripts, books = _names(kb)
    tiers = tuple(_step(kb, t, scripts, books) for t in meta.tiers)
    after = _step(kb, meta.after_hours, scripts, books) if meta.after_hours else None
    level = kb.facts.service_levels.get(meta.priority) if meta.priority else None
    return Playbook(article, meta.priority, level, meta.triggers, tiers, after,
                    meta.close_when, meta.deescalate_when)


def all_playbooks(kb: KnowledgeBase) -> list[Playbook]:
    """Every source playbook, by priority (in the order the SLA declares them), then title."""
    order = {p: i for i, p in enumerate(kb.facts.service_levels)}
    found = [load_playbook(kb, a) for a in kb.corpus.of_kind("playbook")
             if not a.is_translation and isinstance(a.details, PlaybookMeta)]
    return sorted(found, key=lambda p: (order.get(p.priority or "", len(order)),
                                        p.priority or "", p.title.casefold()))


def find_playbook(kb: KnowledgeBase, name: str) -> Playbook:
    """The playbook named ``name`` (file stem) or at path ``name``; raises NotFoundError."""
    for article in kb.corpus.of_kind("playbook"):
        if not article.is_translation and name in (article.name, article.path):
            return load_playbook(kb, article)
    raise NotFoundError(f"no playbook {name!r} in playbooks/ (see `kb playbooks`)")


def contact_info(kb: KnowledgeBase, key: str) -> ContactInfo:
    found = kb.facts.contacts.get(key)
    if found is None:
        return ContactInfo(key, None)
    details = {str(k): v for k, v in found.details.items() if k not in ("name", "hours")}
    ordered = sorted(details, key=lambda k: (k not in _REACH_ORDER,
                                             _REACH_ORDER.index(k) if k in _REACH_ORDER else 0,
                                             k))
    hours = found.details.get("hours")
    return ContactInfo(key, found.name, None if hours is None else str(hours),
                       tuple((k, str(details[k])) for k in ordered))


_NAMES: dict[int, tuple[weakref.ref, tuple[dict[str, Article], dict[str, Article]]]] = {}


def _names(kb: KnowledgeBase) -> tuple[dict[str, Article], dict[str, Article]]:
    """Source scripts and playbooks by name, computed once per loaded knowledge base (a
    site build renders every playbook page from the same ``kb``)."""
    key = id(kb)
    cached = _NAMES.get(key)
    if cached is not None and cached[0]() is kb:
        return cached[1]
    names: tuple[dict[str, Article], dict[str, Article]] = ({}, {})
    for article in kb.corpus.sources():
        if article.kind in ("script", "playbook"):
            names[article.kind == "playbook"][article.name] = article
    _NAMES[key] = (weakref.ref(kb, lambda _ref, key=key: _NAMES.pop(key, None)), names)
    return names


def _ref(name: str | None, known: Mapping[str, Article]) -> Ref | None:
    if not name:
        return None
    found = known.get(name)
    return Ref(name, found.title, found.path) if found else Ref(name)


def _step(kb: KnowledgeBase, item: Tier | AfterHours, scripts, books) -> Step:
    contact = contact_info(kb, item.contact)
    if isinstance(item, AfterHours):
        return Step(None, contact, item.within, item.how, (), _ref(item.message, scripts))
    return Step(item.index + 1, contact, item.within, item.do, item.handover,
                _ref(item.message, scripts), _ref(item.goto, books))


# -- export --------------------------------------------------------------------------------
def export(kb: KnowledgeBase) -> list[dict]:
    """Every playbook as JSON-able data for other tools (ticketing systems, chat bots)."""
    return [playbook_dict(p) for p in all_playbooks(kb)]


def playbook_dict(book: Playbook) -> dict:
    article = book.article
    return {
        "name": book.name, "path": book.path, "title": book.title,
        "priority": book.priority, "sla": _level_dict(book.level),
        "triggers": list(book.triggers),
        "tiers": [step_dict(s) for s in book.tiers],
        "after_hours": step_dict(book.after_hours) if book.after_hours else None,
        "close_when": book.close_when, "deescalate_when": book.deescalate_when,
        "owner": article.owner, "reviewed": article.reviewed.isoformat() if article.reviewed
        else None, "tags": list(article.tags),
    }


def step_dict(step: Step) -> dict:
    data = {
        "step": step.number, "after_hours": step.after_hours,
        "contact": {"key": step.contact.key, "name": step.contact.name,
                    "hours": step.contact.hours, "reach": dict(step.contact.reach)},
        "within": format_duration(step.within), "within_minutes": _minutes(step.within),
        "do": step.do, "handover": list(step.handover),
        "message": _ref_dict(step.message, "script"),
    }
    if not step.after_hours:
        data["goto"] = _ref_dict(step.goto, "playbook")
    return data


def _level_dict(level: ServiceLevel | None) -> dict | None:
    if level is None:
        return None
    return {"name": level.name,
            "first_response": format_duration(level.first_response),
            "first_response_minutes": _minutes(level.first_response),
            "resolution": format_duration(level.resolution),
            "resolution_minutes": _minutes(level.resolution)}


def _ref_dict(ref: Ref | None, key: str) -> dict | None:
    return None if ref is None else {key: ref.name, "title": ref.title, "path": ref.path}


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


# -- the escalation plan -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PlannedStep:
    step: Step
    deadline: datetime  # in the support time zone


@dataclass(frozen=True, slots=True)
class Match:
    path: str
    title: str
    score: float


@dataclass(frozen=True)
class Escalation:
    """What to do now: the chosen path through ``playbook`` at moment ``at``."""

    playbook: Playbook
    at: datetime  # in the support time zone
    business_hours: bool
    steps: tuple[PlannedStep, ...]  # the path to follow; the first is the next contact
    skipped: tuple[Step, ...] = ()  # business-hours tiers the after-hours contact covers
    next_open: datetime | None = None  # when support opens next (outside hours only)
    score: float | None = None
    alternatives: tuple[Match, ...] = ()

    @property
    def path_name(self) -> str:
        if self.business_hours:
            return "business-hours"
        return "after-hours" if self.playbook.after_hours else "next-business-day"

    @property
    def next_step(self) -> PlannedStep | None:
        return self.steps[0] if self.steps else None

    def to_dict(self) -> dict:
        book = self.playbook
        return {
            "playbook": {"name": book.name, "path": book.path, "title": book.title,
                         "priority": book.priority, "sla": _level_dict(book.level),
                         "score": self.score},
            "at": self.at.isoformat(), "business_hours": self.business_hours,
            "path": self.path_name,
            "next_open": self.next_open.isoformat() if self.next_open else None,
            "steps": [{**step_dict(p.step), "deadline": p.deadline.isoformat()}
                      for p in self.steps],
            "skipped": [step_dict(s) for s in self.skipped],
            "close_when": book.close_when, "deescalate_when": book.deescalate_when,
            "alternatives": [{"path": m.path, "title": m.title, "score": m.score}
                             for m in self.alternatives],
        }


def plan(kb: KnowledgeBase, book: Playbook, at: datetime) -> Escalation:
    """The escalation path through ``book`` starting at ``at`` (aware, or naive meaning the
    support time zone's local time). Without declared support hours, always business hours.
    """
    hours = kb.facts.hours
    local = localize(at, hours)
    if hours is None or hours.is_open(local):
        steps = tuple(PlannedStep(s, _after(local, s.within)) for s in book.tiers)
        return Escalation(book, local, True, steps)
    opening = next_opening(hours, local)
    if book.after_hours is None:
        steps = tuple(PlannedStep(s, _after(opening, s.within)) for s in book.tiers)
        return Escalation(book, local, False, steps, next_open=opening)
    reachable = [s for s in book.tiers if s.contact.after_hours]
    skipped = tuple(s for s in book.tiers if not s.contact.after_hours)
    steps = tuple(PlannedStep(s, _after(local, s.within))
                  for s in (book.after_hours, *reachable))
    return Escalation(book, local, False, steps, skipped, opening)


def escalate(kb: KnowledgeBase, text: str, *, at: datetime) -> Escalation:
    """Find the playbook that best matches what the agent sees, and plan its path at ``at``.

    Searches playbooks only, through the search index. Raises :class:`UsageError` for empty
    text and :class:`NotFoundError` when no playbook matches.
    """
    from kbtools.search import search

    if not text.strip():
        raise UsageError("describe what you see, e.g. kb escalate \"customer charged twice\"")
    found = search(kb, text, kinds=("playbook",), public=False, limit=3)
    books = [(r, kb.corpus.get(r.path)) for r in found.results]
    books = [(r, a) for r, a in books if a is not None and isinstance(a.details, PlaybookMeta)]
    if not books:
        hint = f" (did you mean {found.suggestion!r}?)" if found.suggestion else ""
        raise NotFoundError(f"no playbook matches {text!r}{hint}; try the customer's own "
                            "words, or list all playbooks with `kb playbooks`")
    (best, article), others = books[0], books[1:]
    source = kb.corpus.get(article.source) if article.is_translation else article
    escalation = plan(kb, load_playbook(kb, source or article), at)
    alternatives = tuple(Match(a.path, a.title, float(r.score)) for r, a in others)
    return _with_match(escalation, float(best.score), alternatives)


def _with_match(escalation: Escalation, score: float, others: tuple[Match, ...]) -> Escalation:
    from dataclasses import replace

    return replace(escalation, score=score, alternatives=others)


# -- time ----------------------------------------------------------------------------------
def localize(moment: datetime, hours: SupportHours | None) -> datetime:
    """``moment`` in the support time zone (a naive moment is taken as local time there)."""
    zone = ZoneInfo(hours.timezone) if hours else UTC
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def parse_moment(value: str | None, hours: SupportHours | None) -> datetime:
    """Parse ``--at`` (``2026-11-23 04:00``, or ISO with an offset) into the support time
    zone; a time without offset is local time there. ``None`` means now (from the clock,
    which honours ``KB_AS_OF``). Raises :class:`UsageError` naming the expected form."""
    if value is None:
        return localize(clock.now(), hours)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"invalid time {value!r}: expected YYYY-MM-DD HH:MM (support "
                         "time zone) or an ISO time with an offset") from None
    return localize(moment, hours)


def next_opening(hours: SupportHours, moment: datetime) -> datetime:
    """The next time support opens at or after ``moment`` (in the support time zone)."""
    local = localize(moment, hours)
    zone = ZoneInfo(hours.timezone)
    day: date = local.date()
    for offset in range(8):
        current = day + timedelta(days=offset)
        if DAYS[current.weekday()] not in hours.days:
            continue
        opening = datetime.combine(current, hours.open, tzinfo=zone)
        if opening >= local:
            return opening
        if local.time() < hours.close and offset == 0:
            return local  # open now
    raise UsageError("support hours declare no opening day")


def _after(start: datetime, delta: timedelta) -> datetime:
    """``start + delta`` in real elapsed time, shown in ``start``'s time zone."""
    return (start.astimezone(UTC) + delta).astimezone(start.tzinfo)
