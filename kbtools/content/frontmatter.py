"""A markdown file's YAML front matter: split it from the body, read it, edit it in place."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode

from kbtools.content import yamldoc


class FrontMatterError(ValueError):
    """The front matter is missing or unreadable; ``line`` is 1-based."""

    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.code = code


@dataclass(frozen=True, slots=True)
class Parsed:
    """A markdown file: its front matter (as a :class:`yamldoc.YAMLDoc`) and its body."""

    meta: yamldoc.YAMLDoc
    body: str
    body_line: int  # the file line the body starts on


def split(text: str) -> tuple[str, str, int] | None:
    """Return ``(yaml_text, body, body_line)``, or None when there is no front matter."""
    if not text.startswith("---"):
        return None
    first_nl = text.find("\n")
    if first_nl == -1 or text[:first_nl].strip() != "---":
        return None
    pos = first_nl + 1
    line = 2
    while True:
        nl = text.find("\n", pos)
        end = len(text) if nl == -1 else nl
        if text[pos:end].rstrip() in ("---", "..."):
            yaml_text = text[first_nl + 1 : pos]
            body = "" if nl == -1 else text[nl + 1 :]
            return yaml_text, body, line + 1
        if nl == -1:
            return None
        pos = nl + 1
        line += 1


def parse(text: str) -> Parsed:
    """Parse a markdown file's text. Raises :class:`FrontMatterError` with a line."""
    if not text.strip():
        raise FrontMatterError(1, "file.empty", "empty file: expected front matter starting with ---")
    parts = split(text)
    if parts is None:
        if text.startswith("---"):
            raise FrontMatterError(1, "meta.unclosed", "front matter is not closed by a --- line")
        raise FrontMatterError(
            1, "meta.missing", "no front matter: the file must start with a --- line and a title"
        )
    yaml_text, body, body_line = parts
    try:
        meta = yamldoc.load(yaml_text, first_line=2)
    except yamldoc.YAMLSyntaxError as exc:
        raise FrontMatterError(exc.line, exc.code or "meta.yaml", str(exc)) from None
    if meta.data is None:
        meta = yamldoc.YAMLDoc({}, {}, ())
    elif not isinstance(meta.data, dict):
        raise FrontMatterError(
            2, "meta.not-mapping",
            f"front matter must be a mapping of fields, got {type(meta.data).__name__}",
        )
    return Parsed(meta, body, body_line)


# -- editing ----------------------------------------------------------------------------------
#
# One editor for every tool that writes front matter (kb review, translation pins and drafts):
# keys are found with ruamel.yaml's round-trip composer, which keeps each node's exact place,
# and only the new values are spliced in; the result is read back and refused unless exactly
# the requested values changed.

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./+-]*$")


class EditError(FrontMatterError):
    """The front matter cannot be edited safely; the message says why and what to do."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, "meta.edit", message)


def set_front_matter(text: str, values: Mapping[str, object], *,
                     after: Mapping[str, Sequence[str]] | None = None) -> str:
    """Return ``text`` (a markdown file) with each dotted key of ``values`` (``reviewed``,
    ``translation.source_commit``) set to a string, boolean or int, every other byte as it
    was: comments, quoting, key order, flow style, line endings and the body.

    A value is replaced where it stands (in its quotes, if it had them); a missing key is
    added as one line after the first key of ``after[key]`` that exists, else at the end of
    its mapping. Raises :class:`EditError` (with the file line) when the file has no front
    matter, its YAML is invalid, a key holds something other than a single value, or the
    edit would change anything else.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom):]
    parts = split(text)
    if parts is None:
        raise EditError(1, "no front matter to edit (the file must start with a --- line)")
    original = yaml_text = parts[0]
    before = _data(yaml_text)
    root = _compose(yaml_text)
    if root is not None:  # check every key first, so errors give the lines as written
        for key, value in values.items():
            _find(root, key.split("."), value)
    for key, value in values.items():
        yaml_text = _set(yaml_text, key.split("."), value, (after or {}).get(key, ()))
    if _data(yaml_text) != _expected(before, values):
        raise EditError(2, f"setting {', '.join(values)} would change other fields; "
                           "edit the front matter by hand")
    start = text.index("\n") + 1
    return bom + text[:start] + yaml_text + text[start + len(original):]


def _data(yaml_text: str) -> dict:
    try:
        data = yamldoc.load(yaml_text, first_line=2).data
    except yamldoc.YAMLSyntaxError as exc:
        raise EditError(exc.line, f"cannot read the front matter: {exc}") from None
    return data if isinstance(data, dict) else {}


def _expected(data: dict, values: Mapping[str, object]) -> dict:
    result = copy.deepcopy(data)
    for key, value in values.items():
        node = result
        *parents, last = key.split(".")
        for part in parents:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[last] = value
    return result


def _reads_as(text: str) -> object:
    try:
        data = yamldoc.load(f"k: {text}\n").data
    except yamldoc.YAMLSyntaxError:
        return None
    return data.get("k") if isinstance(data, dict) else None


def _render(value: object) -> str:
    """``value`` as a YAML scalar that reads back as exactly ``value``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and _reads_as(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _compose(yaml_text: str):
    try:
        return YAML(typ="rt").compose(yaml_text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EditError(2 + (mark.line if mark else 0),
                        f"cannot read the front matter: {exc}") from None


def _set(yaml_text: str, parts: list[str], value: object, after: Sequence[str]) -> str:
    root = _compose(yaml_text)
    if root is None:
        return yaml_text + _block(parts, value, 0, _newline(yaml_text))
    node, depth, found = _find(root, parts, value)
    if found is None:
        return _insert(yaml_text, node, parts[depth:], value, after if depth == 0 else ())
    key_node, child = found
    if depth == len(parts) - 1:
        return _replace(yaml_text, key_node, child, value)
    # `parent:` with no value yet: the rest of the key goes under it
    at = _after_colon(yaml_text, key_node)
    end = child.end_mark.index if child.value else at
    nested = _block(parts[depth + 1:], value, key_node.start_mark.column + 2, _newline(yaml_text))
    return yaml_text[:at] + _newline(yaml_text) + nested.rstrip("\r\n") + yaml_text[end:]


def _find(root, parts: list[str], value: object):
    """Follow ``parts`` from the ``root`` mapping: ``(mapping, depth, (key, node))`` where the
    key at ``depth`` is (the leaf, or an empty parent), or ``(mapping, depth, None)`` where it
    is missing. Raises :class:`EditError` where the key cannot hold ``value``."""
    if not isinstance(root, MappingNode):
        raise EditError(2, "the front matter is not a mapping of fields (key: value lines)")
    node = root
    for depth, part in enumerate(parts):
        found = [(k, v) for k, v in node.value if str(k.value) == part]
        if not found:
            return node, depth, None
        key_node, child = found[-1]  # of duplicate keys, the last one counts
        dotted = ".".join(parts[:depth + 1])
        if depth == len(parts) - 1:
            if not isinstance(child, ScalarNode) or child.style in ("|", ">"):
                raise EditError(2 + key_node.start_mark.line,
                                f"{dotted} must be a single value such as {_render(value)} "
                                "to be set; edit it by hand")
            return node, depth, found[-1]
        if isinstance(child, ScalarNode) and child.value in ("", "~", "null"):
            return node, depth, found[-1]
        if not isinstance(child, MappingNode):
            raise EditError(2 + key_node.start_mark.line,
                            f"{dotted} is not a mapping, so {'.'.join(parts)} cannot be set; "
                            "edit it by hand")
        node = child
    raise AssertionError("unreachable")


def _replace(yaml_text: str, key_node, child: ScalarNode, value: object) -> str:
    start, end = child.start_mark.index, child.end_mark.index
    if start == end or child.start_mark.line != key_node.start_mark.line and not child.value:
        at = _after_colon(yaml_text, key_node)  # `key:` with no value
        return yaml_text[:at] + " " + _render(value) + yaml_text[at:]
    current = _reads_as(yaml_text[start:end])
    if type(current) is type(value) and current == value:
        return yaml_text
    rendered = _render(value)
    if isinstance(value, str) and child.style == "'":
        rendered = "'" + value.replace("'", "''") + "'"
    elif isinstance(value, str) and child.style == '"':
        rendered = json.dumps(value, ensure_ascii=False)
    return yaml_text[:start] + rendered + yaml_text[end:]


def _after_colon(yaml_text: str, key_node) -> int:
    return yaml_text.index(":", key_node.end_mark.index) + 1


def _newline(yaml_text: str) -> str:
    return "\r\n" if "\r\n" in yaml_text else "\n"


def _block(parts: list[str], value: object, indent: int, newline: str) -> str:
    lines = [" " * (indent + 2 * depth) + f"{part}:" for depth, part in enumerate(parts[:-1])]
    lines.append(" " * (indent + 2 * (len(parts) - 1)) + f"{parts[-1]}: {_render(value)}")
    return newline.join(lines) + newline


def _flow(parts: list[str], value: object) -> str:
    text = _render(value)
    for part in reversed(parts[1:]):
        text = f"{{{part}: {text}}}"
    return f"{parts[0]}: {text}"


def _insert(yaml_text: str, mapping: MappingNode, parts: list[str], value: object,
            after: Sequence[str]) -> str:
    if mapping.flow_style:
        close = yaml_text.rindex("}", 0, mapping.end_mark.index)
        separator = ", " if mapping.value else ""
        return yaml_text[:close] + separator + _flow(parts, value) + yaml_text[close:]
    entries = {str(k.value): (k, v) for k, v in mapping.value}
    anchor = next((entries[key] for key in after if key in entries), None)
    if anchor is not None:
        key_node, child = anchor
        leaf = _last_leaf(child)
        end = leaf.end_mark if leaf.end_mark.index > leaf.start_mark.index else key_node.end_mark
    else:
        end = _last_leaf(mapping).end_mark
    at = end.index
    if end.column != 0:
        newline = yaml_text.find("\n", at)
        at = len(yaml_text) if newline == -1 else newline + 1
    newline = _newline(yaml_text)
    indent = mapping.value[0][0].start_mark.column if mapping.value else 0
    prefix = "" if at == 0 or yaml_text[at - 1] == "\n" else newline
    return yaml_text[:at] + prefix + _block(parts, value, indent, newline) + yaml_text[at:]


def _last_leaf(node):
    while not isinstance(node, ScalarNode) and node.value:
        if getattr(node, "flow_style", False):
            return node
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node
