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
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    try:
        node = loader.get_single_node()
        data = None
        if node is not None:
            data = _Builder(loader, first_line, lines, duplicates).build(node, "")
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
    return YAMLDoc(data, lines, tuple(duplicates))


_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in
                                    ("str", "int", "float", "bool", "null"))
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Builder:
    """Builds values and records each key's line in one pass over the composed nodes.

    Values are what SafeLoader would construct (without timestamps); uncommon tags (merge
    keys, binary, sets) go through PyYAML's own constructor.
    """

    def __init__(self, loader, first_line: int, lines: dict, duplicates: list) -> None:
        self.loader, self.first_line = loader, first_line
        self.lines, self.duplicates = lines, duplicates

    def build(self, node, path: str):
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _MAP and isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if tag == _SEQ and isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = f"{path}.{index}" if path else str(index)
                self.lines.setdefault(child, self.first_line + item.start_mark.line)
                items.append(self.build(item, child))
            return items
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return self.loader.construct_yaml_bool(node)
        if tag == _INT:
            return self.loader.construct_yaml_int(node)
        if tag == _FLOAT:
            return self.loader.construct_yaml_float(node)
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node, path: str) -> dict:
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            return self.loader.construct_object(node, deep=True)
        result: dict = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, path)
            name = str(key_node.value)
            child = f"{path}.{name}" if path else name
            line = self.first_line + key_node.start_mark.line
            if key in result:
                self.duplicates.append((child, line))
            self.lines.setdefault(child, line)
            result[key] = self.build(value_node, child)
        return result
