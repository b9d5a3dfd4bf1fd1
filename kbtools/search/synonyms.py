"""Search synonyms: groups of words or phrases that mean the same thing, edited by authors.

``synonyms.yml`` at the KB root (``config.synonyms_file``)::

    groups:
      - [refund, money back, chargeback]
      - [log in, login, sign in, cant log in]

Synonyms apply when a query is parsed, so an edit takes effect on the next query without a
reindex. A query phrase matching an entry of a group also searches for every other entry.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kbtools.content import yamldoc
from kbtools.errors import ConfigError
from kbtools.search.analysis import surface_words


@dataclass(frozen=True)
class Synonyms:
    """Entries as word tuples; ``groups_of`` maps an entry to the groups it belongs to."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    groups_of: Mapping[tuple[str, ...], tuple[int, ...]] = field(default_factory=dict)
    longest: int = 0

    def alternatives(self, entry: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Every entry sharing a group with ``entry`` (``entry`` itself first)."""
        found = [entry]
        for group in self.groups_of.get(entry, ()):
            found.extend(e for e in self.groups[group] if e not in found)
        return tuple(found)


def parse_synonyms(text: str, source: str) -> Synonyms:
    """Parse the file's text; raises :class:`ConfigError` naming ``source`` and the line."""
    try:
        doc = yamldoc.load(text)
    except yamldoc.YAMLSyntaxError as exc:
        raise ConfigError(f"{source}:{exc.line}: {exc}") from None
    data = doc.data or {}
    groups = data.get("groups", []) if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ConfigError(f"{source}:1: expected 'groups:' with a list of lists of words, "
                          "e.g. groups: [[refund, money back]]")
    parsed: list[tuple[tuple[str, ...], ...]] = []
    for number, group in enumerate(groups):
        if not isinstance(group, list) or not all(isinstance(e, (str, int)) for e in group):
            line = doc.line_of(f"groups.{number}", doc.line_of("groups", 1))
            raise ConfigError(f"{source}:{line}: group {number + 1} must be a list of words "
                              f"or phrases, got {group!r}")
        entries = tuple(dict.fromkeys(w for w in (surface_words(str(e)) for e in group) if w))
        if len(entries) > 1:
            parsed.append(entries)
    groups_of: dict[tuple[str, ...], list[int]] = {}
    for index, group in enumerate(parsed):
        for entry in group:
            groups_of.setdefault(entry, []).append(index)
    longest = max((len(e) for e in groups_of), default=0)
    return Synonyms(tuple(parsed), {k: tuple(v) for k, v in groups_of.items()}, longest)


_CACHE: dict[Path, tuple[tuple[int, int], Synonyms]] = {}
_LOCK = threading.Lock()


def load_synonyms(root: Path, relative: str) -> Synonyms:
    """The synonyms of the KB at ``root`` (cached until the file changes; none if absent)."""
    path = Path(root) / relative
    try:
        stat = path.stat()
    except OSError:
        return Synonyms()
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        cached = _CACHE.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{relative}: cannot read: {exc}") from None
    synonyms = parse_synonyms(text, relative)
    with _LOCK:
        _CACHE[path] = (stamp, synonyms)
    return synonyms
