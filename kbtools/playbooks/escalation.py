"""The escalation plan: "who do I contact next, by when", and ``kb escalate``'s search.

:func:`plan` answers for one playbook at one moment:

- within support hours, the tiers in order, each due ``within`` after the start;
- outside support hours with an ``after_hours`` path, that contact first; then the tiers whose
  contacts are reachable outside business hours (``hours: always`` in the contacts data); the
  tiers whose contacts work business hours only are skipped (the after-hours contact covers
  them);
- outside support hours without an ``after_hours`` path, every tier waits for the next opening
  and its deadline counts from there.

Deadlines are computed on the real time line (UTC), so a limit crossing a daylight-saving
change is still the right number of minutes, then shown in the support time zone.

:func:`escalate` finds the playbook that fits what the agent sees, through the search index,
or says that none does. A playbook fits when it outscores the best answer script for the same
words by enough (:data:`CONFIDENCE`): "customer cant log in" is a single customer's question
that the account-locked reply answers, not the night-outage playbook whose trigger says
"cannot log in"; "many customers cannot log in at 3am" asks for the playbook (kind intent
favours it). Below the threshold the answer is :class:`NoFit`, with the best answer scripts
and articles instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from kbtools import clock
from kbtools.content.facts import DAYS, SupportHours
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.errors import NotFoundError, UsageError
from kbtools.playbooks.kind import PlaybookMeta
from kbtools.playbooks.plan import Playbook, Step, level_dict, load_playbook, step_dict
from kbtools.search import search


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


CONFIDENCE = 0.55
"""A playbook fits when ``its score / (its score + the best answer script's score)`` is at
least this: chosen on ``bench/relevance.py`` (its escalate figures)."""

SUGGESTIONS = 5


@dataclass(frozen=True)
class NoFit:
    """No playbook fits ``text``: the best playbook (if any matched) and what to use instead."""

    text: str
    best: Match | None
    confidence: float
    suggestions: tuple[Suggestion, ...]

    def to_dict(self) -> dict:
        return {"playbook": None, "text": self.text,
                "best_playbook": None if self.best is None else {
                    "path": self.best.path, "title": self.best.title, "score": self.best.score},
                "confidence": round(self.confidence, 3),
                "suggestions": [s.to_dict() for s in self.suggestions]}


@dataclass(frozen=True, slots=True)
class Suggestion:
    path: str
    title: str
    kind: str
    score: float

    def to_dict(self) -> dict:
        return {"path": self.path, "title": self.title, "kind": self.kind, "score": self.score}


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
    confidence: float | None = None

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
                         "priority": book.priority, "sla": level_dict(book.level),
                         "score": self.score,
                         "confidence": None if self.confidence is None
                         else round(self.confidence, 3)},
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


def escalate(kb: KnowledgeBase, text: str, *, at: datetime) -> Escalation | NoFit:
    """The playbook that fits what the agent sees, with its path at ``at``; or :class:`NoFit`
    when the words are better answered by an answer script (see the module docstring).

    Raises :class:`UsageError` for empty text and :class:`NotFoundError` when nothing at all
    matches the words.
    """
    if not text.strip():
        raise UsageError("describe what you see, e.g. kb escalate \"customer charged twice\"")
    found = search(kb, text, kinds=("playbook",), public=False, limit=3)
    books = [(r, kb.corpus.get(r.path)) for r in found.results]
    books = [(r, a) for r, a in books if a is not None and a.details_as(PlaybookMeta) is not None]
    others = search(kb, text, kinds=tuple(k for k in kb.kinds.names if k != "playbook"),
                    public=False, limit=SUGGESTIONS)
    if not books and not others.results:
        hint = f" (did you mean {found.suggestion!r}?)" if found.suggestion else ""
        raise NotFoundError(f"no playbook matches {text!r}{hint}; try the customer's own "
                            "words, or list all playbooks with `kb playbooks`")
    script = next((r.score for r in others.results if r.kind == "script"), 0.0)
    best_score = float(books[0][0].score) if books else 0.0
    confidence = best_score / (best_score + script) if best_score else 0.0
    if confidence < CONFIDENCE:
        best = Match(books[0][1].path, books[0][1].title, best_score) if books else None
        return NoFit(text, best, confidence, tuple(
            Suggestion(r.path, r.title, r.kind, float(r.score)) for r in others.results))
    (best, article), rest = books[0], books[1:]
    source = kb.corpus.get(article.source) if article.is_translation else article
    escalation = plan(kb, load_playbook(kb, source or article), at)
    alternatives = tuple(Match(a.path, a.title, float(r.score)) for r, a in rest)
    return replace(escalation, score=float(best.score), alternatives=alternatives,
                   confidence=confidence)


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
