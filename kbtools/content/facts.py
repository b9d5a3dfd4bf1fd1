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
from kbtools.content.files import own_file_problem
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
        problem = own_file_problem(root, relative)  # never a file outside the repository
        if problem is not None:
            findings.append(problem)
            continue
        try:
            doc = yamldoc.load_file(file)
        except yamldoc.YAMLSyntaxError as exc:
            findings.append(error(relative, exc.line, exc.code or "facts.yaml", str(exc)))
            continue
        except UnicodeDecodeError as exc:
            findings.append(error(relative, 1, "facts.yaml", str(exc)))
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

    def fail(key: str, code: str, message: str) -> None:
        findings.append(error(path, doc.line_of(key), code, message))

    hours = _hours(data, fail) if data.get("hours") is not None else None
    levels = {}
    sla = data.get("sla") or {}
    if not isinstance(sla, dict):
        fail("sla", "facts.sla", "sla must map priorities to {name, first_response, resolution}, "
             f"e.g. P1: {{name: Critical, first_response: 30m, resolution: 4h}}; got {sla!r}")
        sla = {}
    for priority, info in sla.items():
        level = _service_level(str(priority), info, fail)
        if level is not None:
            levels[level.priority] = level
    required = data.get("after_hours_required") or []
    if not isinstance(required, list):
        fail("after_hours_required", "facts.sla",
             f"after_hours_required must be a list of priorities such as [P1, P2], got {required!r}")
        required = ()
    return hours, levels, tuple(str(p) for p in required)


def _hours(data: dict, fail) -> SupportHours | None:
    """Business hours from ``timezone`` and ``hours``; each bad part is reported at its line."""
    expected = "expected hours: {days: [mon, ...], open: '08:00', close: '20:00'}"
    raw, ok = data["hours"], True
    zone = str(data.get("timezone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        fail("timezone", "facts.hours", f"support hours unusable: unknown time zone {zone!r}; "
             "expected a name such as Europe/Ljubljana")
        ok = False
    if not isinstance(raw, dict):
        fail("hours", "facts.hours", f"support hours unusable: got {raw!r}; {expected}")
        return None
    days = raw.get("days", list(DAYS[:5]))
    days = tuple(str(d).lower()[:3] for d in days) if isinstance(days, list) else None
    if days is None or any(d not in DAYS for d in days):
        fail("hours.days", "facts.hours", "support hours unusable: days must be among "
             f"{', '.join(DAYS)}, got {raw.get('days')!r}")
        ok = False
    times = {}
    for key in ("open", "close"):
        try:
            times[key] = time.fromisoformat(str(raw[key]))
        except KeyError:
            fail("hours", "facts.hours", f"support hours unusable: {key} is missing; {expected}")
            ok = False
        except ValueError:
            fail(f"hours.{key}", "facts.hours", f"support hours unusable: {key} must be a time "
                 f"such as '08:00', got {raw[key]!r}")
            ok = False
    if not ok:
        return None
    return SupportHours(zone, days, times["open"], times["close"])


def _service_level(priority: str, info: object, fail) -> ServiceLevel | None:
    key = f"sla.{priority}"
    if not isinstance(info, dict):
        fail(key, "facts.sla", f"service level {priority}: expected {{name, first_response, "
             f"resolution}}, got {info!r}")
        return None
    limits = {}
    for name in ("first_response", "resolution"):
        if name not in info:
            fail(key, "facts.sla", f"service level {priority}: {name} is missing "
                 "(a duration such as 30m, 4h or 1d)")
            continue
        try:
            limits[name] = parse_duration(info[name])
        except ValueError as exc:
            fail(f"{key}.{name}", "facts.sla", f"service level {priority}: {exc}")
    if len(limits) < 2:
        return None
    return ServiceLevel(priority, str(info.get("name", priority)), limits["first_response"],
                        limits["resolution"])


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
