"""Escalation playbooks as data: steps with contact details, and the export.

Everything here reads the typed playbook metadata the loader parsed
(:mod:`kbtools.playbooks.kind`) and the shared facts (service levels, contacts, support
hours); nothing is parsed twice. The plan in time is :mod:`kbtools.playbooks.escalation`;
pages and the flowchart are :mod:`kbtools.playbooks.page`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from kbtools.content.durations import format_duration
from kbtools.content.facts import ServiceLevel
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.errors import NotFoundError
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
    meta = article.details_as(PlaybookMeta)
    if meta is None:
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
             if not a.is_translation and a.details_as(PlaybookMeta) is not None]
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


def _names(kb: KnowledgeBase) -> tuple[dict[str, Article], dict[str, Article]]:
    """Source scripts and playbooks by name, computed once per loaded knowledge base (a
    site build renders every playbook page from the same ``kb``)."""
    def make() -> tuple[dict[str, Article], dict[str, Article]]:
        names: tuple[dict[str, Article], dict[str, Article]] = ({}, {})
        for article in kb.corpus.sources():
            if article.kind in ("script", "playbook"):
                names[article.kind == "playbook"][article.name] = article
        return names

    return kb.memo.get("playbooks.names", make)


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
        "priority": book.priority, "sla": level_dict(book.level),
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


def level_dict(level: ServiceLevel | None) -> dict | None:
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
