"""People and teams who own articles (``owners.yml``), with fallbacks for people who left."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kbtools.content import yamldoc
from kbtools.diagnostics import Finding, error


@dataclass(frozen=True, slots=True)
class Person:
    handle: str
    name: str
    team: str | None
    active: bool = True
    line: int = 0


@dataclass(frozen=True, slots=True)
class Team:
    handle: str
    name: str
    fallback: str | None
    line: int = 0


@dataclass(frozen=True)
class Owners:
    """Everyone who can own an article. ``path`` is the repo-relative owners file."""

    path: str
    people: Mapping[str, Person] = field(default_factory=dict)
    teams: Mapping[str, Team] = field(default_factory=dict)

    def knows(self, handle: str) -> bool:
        return handle in self.people or handle in self.teams

    def responsible(self, handle: str | None) -> str | None:
        """Return who answers for ``handle`` today: the person, or their team's fallback if
        they are inactive (or the team's fallback when ``handle`` is a team); None if unknown."""
        if handle is None:
            return None
        if handle in self.teams:
            return self.teams[handle].fallback or handle
        person = self.people.get(handle)
        if person is None:
            return None
        if person.active:
            return handle
        team = self.teams.get(person.team or "")
        return team.fallback if team and team.fallback else None

    def display(self, handle: str) -> str:
        if handle in self.people:
            return self.people[handle].name
        if handle in self.teams:
            return self.teams[handle].name
        return handle


def load_owners(root: Path, relative: str) -> tuple[Owners, list[Finding]]:
    """Read the owners file; a missing file is an empty register (every owner is unknown)."""
    file = Path(root) / relative
    findings: list[Finding] = []
    if not file.exists():
        return Owners(relative), findings
    try:
        doc = yamldoc.load_file(file)
    except yamldoc.YAMLSyntaxError as exc:
        return Owners(relative), [error(relative, exc.line, exc.code or "owners.yaml", str(exc))]
    except UnicodeDecodeError as exc:
        return Owners(relative), [error(relative, 1, "owners.yaml", str(exc))]
    data = doc.data or {}
    if not isinstance(data, dict):
        return Owners(relative), [error(relative, 1, "owners.shape", "expected people: and teams:")]
    for key in data:
        if key not in ("people", "teams"):
            findings.append(error(relative, doc.line_of(key), "owners.unknown-field",
                                  f"unknown section {key!r} (expected people or teams)"))
    people = {}
    for handle, info in _entries(data.get("people"), "people", relative, doc, findings):
        _unknown_fields(info, _PERSON_FIELDS, f"people.{handle}", handle, relative, doc, findings)
        team = _handle(info, "team", f"people.{handle}", relative, doc, findings)
        active = info.get("active", True)
        if not isinstance(active, bool):
            findings.append(error(relative, doc.line_of(f"people.{handle}.active"), "owners.shape",
                                  f"{handle}: active must be true or false, got {active!r}"))
        people[handle] = Person(handle, str(info.get("name", handle)), team,
                                active is not False, doc.line_of(f"people.{handle}"))
    teams = {}
    for handle, info in _entries(data.get("teams"), "teams", relative, doc, findings):
        fallback = _handle(info, "fallback", f"teams.{handle}", relative, doc, findings)
        teams[handle] = Team(handle, str(info.get("name", handle)), fallback,
                             doc.line_of(f"teams.{handle}"))
    for person in people.values():
        if person.team and person.team not in teams:
            findings.append(error(relative, doc.line_of(f"people.{person.handle}.team"),
                                  "owners.unknown-team",
                                  f"{person.handle}: unknown team {person.team!r}"))
    for team in teams.values():
        if team.fallback and (team.fallback not in people or not people[team.fallback].active):
            findings.append(error(relative, doc.line_of(f"teams.{team.handle}.fallback"),
                                  "owners.fallback",
                                  f"{team.handle}: fallback {team.fallback!r} is not an active person"))
    return Owners(relative, people, teams), findings


_PERSON_FIELDS = ("name", "team", "active", "email")


def _unknown_fields(info, allowed, key, handle, relative, doc, findings) -> None:
    for field_name in sorted(set(info) - set(allowed), key=str):
        findings.append(error(relative, doc.line_of(f"{key}.{field_name}"), "owners.unknown-field",
                              f"unknown field {field_name!r} for {handle} "
                              f"(expected {', '.join(allowed)})"))


def _handle(info, name, key, relative, doc, findings) -> str | None:
    """``info[name]`` as a handle; anything else but a name is reported and ignored."""
    value = info.get(name)
    if value is None or isinstance(value, str):
        return value
    findings.append(error(relative, doc.line_of(f"{key}.{name}"), "owners.shape",
                          f"{key.partition('.')[2]}: {name} must be a handle, got {value!r}"))
    return None


def _entries(section, name, relative, doc, findings):
    if section is None:
        return
    if not isinstance(section, dict):
        findings.append(error(relative, doc.line_of(name), "owners.shape",
                              f"{name} must map handles to details"))
        return
    for handle, info in section.items():
        if not isinstance(info, dict):
            findings.append(error(relative, doc.line_of(f"{name}.{handle}"), "owners.shape",
                                  f"{handle}: expected a mapping such as {{name: ..., team: ...}}"))
            continue
        yield str(handle), info
