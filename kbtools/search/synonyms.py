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
from kbtools.diagnostics import error
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
    """Parse the file's text. Raises :class:`ConfigError` once, with every problem as a
    finding at its line in ``source``."""
    try:
        doc = yamldoc.load(text)
    except yamldoc.YAMLSyntaxError as exc:
        raise ConfigError.of(source, [error(source, exc.line, exc.code or "synonyms.yaml",
                                            str(exc))]) from None
    data = doc.data or {}
    groups = data.get("groups", []) if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ConfigError.of(source, [error(
            source, doc.line_of("groups", 1), "synonyms.shape",
            "expected 'groups:' with a list of lists of words, e.g. groups: [[refund, money back]]")])
    parsed: list[tuple[tuple[str, ...], ...]] = []
    problems = []
    for number, group in enumerate(groups):
        if not isinstance(group, list) or not all(isinstance(e, (str, int)) for e in group):
            line = doc.line_of(f"groups.{number}", doc.line_of("groups", 1))
            problems.append(error(source, line, "synonyms.group",
                                  f"group {number + 1} must be a list of words or phrases, "
                                  f"got {group!r}"))
            continue
        entries = tuple(dict.fromkeys(w for w in (surface_words(str(e)) for e in group) if w))
        if len(entries) > 1:
            parsed.append(entries)
    if problems:
        raise ConfigError.of(source, problems)
    groups_of: dict[tuple[str, ...], list[int]] = {}
    for index, group in enumerate(parsed):
        for entry in group:
            groups_of.setdefault(entry, []).append(index)
    longest = max((len(e) for e in groups_of), default=0)
    return Synonyms(tuple(parsed), {k: tuple(v) for k, v in groups_of.items()}, longest)


class SynonymsFile:
    """The synonyms file of one knowledge base, parsed again only when it changes (an
    engine keeps one, so authors' edits apply without a reindex or a restart)."""

    def __init__(self, root: Path, relative: str) -> None:
        self.root, self.relative = Path(root), relative
        self.path = self.root / relative
        self._seen: tuple[tuple[int, int], Synonyms] | None = None
        self._lock = threading.Lock()

    def current(self) -> Synonyms:
        """The synonym groups as the file is now (none if there is no file)."""
        try:
            stat = self.path.stat()
        except OSError:
            return Synonyms()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._seen is not None and self._seen[0] == stamp:
                return self._seen[1]
        synonyms = load_synonyms(self.root, self.relative)
        with self._lock:
            self._seen = (stamp, synonyms)
        return synonyms

def load_synonyms(root: Path, relative: str) -> Synonyms:
    """The synonyms of the KB at ``root`` (none if the file is absent). Raises
    :class:`ConfigError` with every problem of the file."""
    path = Path(root) / relative
    if not path.exists():
        return Synonyms()
    try:
        text = yamldoc.read_text(path)
    except yamldoc.YAMLSyntaxError as exc:  # too large to read
        raise ConfigError.of(relative, [error(relative, exc.line, exc.code or "synonyms.yaml",
                                              str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.of(relative, [error(relative, 0, "synonyms.read",
                                              f"cannot read: {exc}; save it as UTF-8 text")]) from None
    return parse_synonyms(text, relative)
