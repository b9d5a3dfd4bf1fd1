"""YAML read with the line of every key, so findings can point at ``path:line``.

Dates stay strings here (the timestamp resolver is removed): callers parse them and report a
bad date at its line, instead of PyYAML raising a bare ``ValueError`` with no location.

Authors write this YAML, so its cost is bounded before any value is built (see
``docs/guide/security.md``): a document is at most :data:`MAX_BYTES`, nests at most
:data:`MAX_DEPTH` deep, and its aliases stand for at most :data:`MAX_ALIAS_VALUES` values in
total, so a few hundred bytes of nested anchors (a "billion laughs") is a finding at its line,
not a hang. Anchors stay allowed: facts reuse a block of hours or a contact that way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 2_000_000
"""Largest YAML document read (UTF-8 bytes); as ``max_file_bytes`` is for articles by default."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and lists, aliases expanded (settings need fewer than ten)."""
MAX_ALIAS_VALUES = 10_000
"""How many values (scalars, lists, mappings) the aliases of one document may stand for,
each alias counting everything inside the value it names, expanded."""


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class YAMLSyntaxError(ValueError):
    """Invalid YAML; ``line`` is 1-based in the file the text came from. ``code`` is None for
    a syntax error (callers report it under their own code) or the code of a broken limit."""

    def __init__(self, line: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.code = code


class YAMLLimitError(YAMLSyntaxError):
    """The document is over a limit: ``yaml.too-large``, ``yaml.too-deep`` or ``yaml.aliases``."""

    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(line, message, code)


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


def load_file(file: Path, *, max_bytes: int = MAX_BYTES) -> YAMLDoc:
    """Read and parse a UTF-8 YAML file, refusing one over ``max_bytes`` before reading it.

    Raises :class:`YAMLSyntaxError` (or :class:`YAMLLimitError`) with the line of the problem,
    :class:`UnicodeDecodeError` when the file is not UTF-8, :class:`OSError` when unreadable.
    """
    return load(read_text(file, max_bytes=max_bytes), max_bytes=max_bytes)


def read_text(file: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of a UTF-8 YAML file. Raises :class:`YAMLLimitError` (``yaml.too-large``,
    line 1) without reading a file over ``max_bytes``, :class:`UnicodeDecodeError` when it is
    not UTF-8, :class:`OSError` when it cannot be read."""
    size = Path(file).stat().st_size
    if size > max_bytes:
        raise _too_large(size, max_bytes, 1)
    return Path(file).read_text(encoding="utf-8")


def load(text: str, first_line: int = 1, *, max_bytes: int = MAX_BYTES) -> YAMLDoc:
    """Parse ``text``; ``first_line`` is the file line the text starts on.

    Raises :class:`YAMLSyntaxError` with the file line of the problem, and
    :class:`YAMLLimitError` when the text is over ``max_bytes``, nests deeper than
    :data:`MAX_DEPTH` or its aliases stand for more than :data:`MAX_ALIAS_VALUES` values.
    """
    if len(text) > max_bytes // 4 and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise _too_large(len(text.encode("utf-8", "surrogatepass")), max_bytes, first_line)
    loader = _Loader(text)
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    try:
        node = loader.get_single_node()
        data = None
        if node is not None:
            _check_expansion(node, first_line)
            data = _Builder(loader, first_line, lines, duplicates).build(node, "")
    except YAMLSyntaxError:
        raise
    except yaml.MarkedYAMLError as exc:
        line, message = _where(exc)
        raise YAMLSyntaxError(first_line + line, message) from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(first_line, f"invalid YAML: {exc}") from None
    except (TypeError, ValueError) as exc:  # e.g. an unhashable key such as [a, b]: 1
        raise YAMLSyntaxError(first_line, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return YAMLDoc(data, lines, tuple(duplicates))


def check_bounds(text: str, *, max_bytes: int = MAX_BYTES) -> None:
    """Check YAML that another library will construct (``mkdocs.yml``, with its own tags
    such as ``!ENV``) against the same size, depth and alias limits, composing only.

    Raises :class:`YAMLLimitError` or :class:`YAMLSyntaxError` with the line.
    """
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise _too_large(len(text.encode("utf-8", "surrogatepass")), max_bytes, 1)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, 1)
    except yaml.MarkedYAMLError as exc:
        line, message = _where(exc)
        raise YAMLSyntaxError(1 + line, message) from None
    finally:
        loader.dispose()


def _where(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """``(0-based line, message)`` of a YAML error, at the line where the mistake is: for an
    unclosed bracket or quote that is where it was opened (its context), not the later line
    where the parser gave up."""
    problem, context = exc.problem_mark, exc.context_mark
    text = exc.problem or exc.context or "not valid YAML"
    if context is not None and problem is not None and context.line < problem.line:
        what = (exc.context or "a value").removeprefix("while parsing ").removeprefix(
            "while scanning ")
        below = problem.line - context.line
        return context.line, (f"invalid YAML: {what} opened on this line is not closed ({text}, "
                              f"{below} line{'s' if below > 1 else ''} below)")
    mark = problem or context
    return (mark.line if mark else 0), f"invalid YAML: {text}"


def _too_large(size: int, max_bytes: int, line: int) -> YAMLLimitError:
    return YAMLLimitError(line, "yaml.too-large",
                          f"YAML document is {size:,} bytes, over the limit of {max_bytes:,}; "
                          "split it, or move bulk data out of settings and front matter")


def _check_expansion(root, first_line: int) -> None:
    """Measure the composed node graph (an alias is the very node its anchor names), visiting
    each node once, before anything is built from it.

    Raises :class:`YAMLLimitError` at the line where the nesting (aliases expanded) gets too
    deep, where the aliases start to stand for too many values, or where an alias names a
    value that contains it.
    """
    finished: dict[int, tuple[int, int]] = {}  # collection -> (values, nested collections)
    unfinished: set[int] = set()
    aliased = 0

    def measure(node, depth: int) -> tuple[int, int]:
        nonlocal aliased
        line = first_line + node.start_mark.line
        if depth > MAX_DEPTH:
            raise YAMLLimitError(line, "yaml.too-deep",
                                 f"YAML nests more than {MAX_DEPTH} levels deep; flatten it")
        unfinished.add(id(node))
        values, levels = 1, 0
        for child in _children(node):
            if isinstance(child, yaml.ScalarNode):
                values += 1
                continue
            if id(child) in unfinished:
                raise YAMLLimitError(line, "yaml.aliases",
                                     "an alias names a value that contains the alias itself; "
                                     "YAML here must be a tree, not a loop")
            known = finished.get(id(child))
            if known is None:
                known = measure(child, depth + 1)
            else:  # an alias: it stands for all of the value it names
                aliased += known[0]
                if aliased > MAX_ALIAS_VALUES:
                    raise YAMLLimitError(
                        line, "yaml.aliases",
                        f"YAML aliases (*name) stand for more than {MAX_ALIAS_VALUES:,} values "
                        "in all, expanded (nested anchors multiply); write the values out, or "
                        "alias fewer or smaller ones")
                if depth + known[1] > MAX_DEPTH:
                    raise YAMLLimitError(line, "yaml.too-deep",
                                         f"YAML nests more than {MAX_DEPTH} levels deep with "
                                         "its aliases expanded; flatten it")
            values, levels = values + known[0], max(levels, known[1])
        unfinished.discard(id(node))
        finished[id(node)] = (values, levels + 1)
        return values, levels + 1

    if not isinstance(root, yaml.ScalarNode):
        measure(root, 1)


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return node.value


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
