"""YAML read with the line of every key, so findings can point at ``path:line``.

Dates stay strings here (the timestamp resolver is removed): callers parse them and report a
bad date at its line, instead of PyYAML raising a bare ``ValueError`` with no location.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class YAMLSyntaxError(ValueError):
    """Invalid YAML; ``line`` is 1-based in the file the text came from."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class YAMLDoc:
    """Parsed YAML: ``data``, and ``lines`` mapping dotted key paths to 1-based file lines."""

    data: object
    lines: Mapping[str, int] = field(default_factory=dict)
    duplicates: tuple[tuple[str, int], ...] = ()

    def line_of(self, key: str, default: int = 0) -> int:
        """Return the line of ``key`` (``a.b.0.c``), or of its nearest parent that has one."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return default


def load(text: str, first_line: int = 1) -> YAMLDoc:
    """Parse ``text``; ``first_line`` is the file line the text starts on.

    Raises :class:`YAMLSyntaxError` with the file line of the problem.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise YAMLSyntaxError(line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(first_line, f"invalid YAML: {exc}") from None
    except (TypeError, ValueError) as exc:  # e.g. an unhashable key such as [a, b]: 1
        raise YAMLSyntaxError(first_line, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    if node is not None:
        _walk(node, "", first_line, lines, duplicates)
    return YAMLDoc(data, lines, tuple(duplicates))


def _walk(node, prefix: str, first_line: int, lines: dict, duplicates: list) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = f"{prefix}.{key}" if prefix else key
            line = first_line + key_node.start_mark.line
            if key in seen:
                duplicates.append((path, line))
            seen.add(key)
            lines.setdefault(path, line)
            _walk(value_node, path, first_line, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}.{index}" if prefix else str(index)
            lines.setdefault(path, first_line + item.start_mark.line)
            _walk(item, path, first_line, lines, duplicates)
