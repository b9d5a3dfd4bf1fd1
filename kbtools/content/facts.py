"""Shared facts (``macros/data/*.yml``): support hours, service levels, contacts, products.

Every tool reads them from here: pages through macros, playbooks for their SLA and contacts,
``kb escalate`` for business hours. Each file is one namespace named by its stem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kbtools.content import yamldoc
from kbtools.content.durations import parse_duration
from kbtools.diagnostics import Finding, error

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    priority: str
    name: str
    first_response: timedelta
    resolution: timedelta


@dataclass(frozen=True, slots=True)
class SupportHours:
    """Business hours in a time zone."""

    timezone: str
    days: tuple[str, ...]
    open: time
    close: time

    def is_open(self, moment: datetime) -> bool:
        """True when ``moment`` (aware, or naive meaning local time) is within business hours."""
        zone = ZoneInfo(self.timezone)
        local = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
        if DAYS[local.weekday()] not in self.days:
            return False
        return self.open <= local.time() < self.close


@dataclass(frozen=True, slots=True)
class Contact:
    key: str
    name: str
    details: Mapping[str, object]
    line: int = 0


@dataclass(frozen=True)
class Facts:
    """All fact namespaces, plus typed views of the ones the tools rely on."""

    namespaces: Mapping[str, object] = field(default_factory=dict)
    docs: Mapping[str, yamldoc.YAMLDoc] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)  # namespace -> repo-relative file
    hours: SupportHours | None = None
    service_levels: Mapping[str, ServiceLevel] = field(default_factory=dict)
    contacts: Mapping[str, Contact] = field(default_factory=dict)
    after_hours_required: tuple[str, ...] = ()
    overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    """Per language, namespaces' translated values (``support.ru.yml``) merged over the source."""

    def for_language(self, lang: str | None) -> dict[str, object]:
        """All namespaces as a page in ``lang`` sees them (translated values where given)."""
        merged = dict(self.namespaces)
        for name, data in self.overrides.get(lang or "", {}).items():
            if name in merged:
                merged[name] = _deep_merge(merged[name], data)
        return merged

    def public(self, internal: tuple[str, ...], lang: str | None = None) -> dict[str, object]:
        """The namespaces a public page may use."""
        return {k: v for k, v in self.for_language(lang).items() if k not in internal}


def _deep_merge(base: object, over: object) -> object:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return over


def load_facts(root: Path, facts_dir: str) -> tuple[Facts, list[Finding]]:
    """Read every ``*.yml`` under ``facts_dir``; problems become findings, never exceptions."""
    folder = Path(root) / facts_dir
    findings: list[Finding] = []
    namespaces: dict[str, object] = {}
    docs: dict[str, yamldoc.YAMLDoc] = {}
    files: dict[str, str] = {}
    overrides: dict[str, dict[str, object]] = {}
    for file in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        relative = f"{facts_dir}/{file.name}"
        try:
            doc = yamldoc.load(file.read_text(encoding="utf-8"))
        except (yamldoc.YAMLSyntaxError, UnicodeDecodeError) as exc:
            findings.append(error(relative, getattr(exc, "line", 1), "facts.yaml", str(exc)))
            continue
        name, _, lang = file.stem.partition(".")
        if lang:  # support.ru.yml: Russian wording over support.yml
            overrides.setdefault(lang, {})[name] = doc.data
            continue
        namespaces[name] = doc.data
        docs[name] = doc
        files[name] = relative
    for lang, by_name in overrides.items():
        for name in by_name:
            if name not in namespaces:
                findings.append(error(f"{facts_dir}/{name}.{lang}.yml", 1, "facts.override",
                                      f"translates {name}.yml, which does not exist"))
    facts = Facts(namespaces, docs, files)
    hours, levels, required = _support(facts, findings)
    contacts = _contacts(facts, findings)
    return Facts(namespaces, docs, files, hours, levels, contacts, required,
                 overrides), findings


def _support(facts: Facts, findings: list[Finding]):
    data = facts.namespaces.get("support")
    if not isinstance(data, dict):
        return None, {}, ()
    doc, path = facts.docs["support"], facts.files["support"]
    hours = None
    raw = data.get("hours")
    if raw is not None:
        try:
            zone = str(data.get("timezone", "UTC"))
            ZoneInfo(zone)
            days = tuple(str(d).lower()[:3] for d in raw.get("days", DAYS[:5]))
            if any(d not in DAYS for d in days):
                raise ValueError(f"days must be among {', '.join(DAYS)}")
            hours = SupportHours(zone, days, time.fromisoformat(str(raw["open"])),
                                 time.fromisoformat(str(raw["close"])))
        except (ZoneInfoNotFoundError, KeyError, ValueError, AttributeError, TypeError) as exc:
            findings.append(error(path, doc.line_of("hours"), "facts.hours",
                                  f"support hours unusable: {exc}; expected timezone and "
                                  "hours: {days: [mon, ...], open: '08:00', close: '20:00'}"))
    levels = {}
    for priority, info in (data.get("sla") or {}).items():
        try:
            levels[str(priority)] = ServiceLevel(
                str(priority), str(info.get("name", priority)),
                parse_duration(info["first_response"]), parse_duration(info["resolution"]))
        except (KeyError, ValueError, AttributeError) as exc:
            findings.append(error(path, doc.line_of(f"sla.{priority}"), "facts.sla",
                                  f"service level {priority}: {exc}"))
    required = tuple(str(p) for p in data.get("after_hours_required") or ())
    return hours, levels, required


def _contacts(facts: Facts, findings: list[Finding]) -> dict[str, Contact]:
    data = facts.namespaces.get("contacts")
    if not isinstance(data, dict):
        return {}
    doc, path = facts.docs["contacts"], facts.files["contacts"]
    contacts = {}
    for key, info in data.items():
        if not isinstance(info, dict) or "name" not in info:
            findings.append(error(path, doc.line_of(str(key)), "facts.contact",
                                  f"contact {key!r} needs at least a name"))
            continue
        contacts[str(key)] = Contact(str(key), str(info["name"]), info, doc.line_of(str(key)))
    return contacts
