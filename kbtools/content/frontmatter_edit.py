"""Set front-matter values the way a careful person would: touch only those values.

:func:`set_front_matter` changes or adds dotted keys (``translation.source_commit``,
``l10n.sourceCommit``) in a markdown file's front matter and leaves every other byte of the
file as it was: comments, quoting, key order, flow style and the body. It locates keys with
ruamel.yaml's round-trip composer (which keeps each node's exact position), splices the new
value in, then re-reads the result and refuses to return it unless exactly the requested
values changed.
"""

from __future__ import annotations

import json
import re

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode

from kbtools.content import frontmatter, yamldoc

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./+-]*$")


class EditError(ValueError):
    """The front matter cannot be edited safely; the message says where and why."""


def set_front_matter(text: str, values: dict[str, object]) -> str:
    """Return ``text`` with each dotted key of ``values`` set (strings, booleans, ints).

    Raises :class:`EditError` when the file has no front matter, the YAML is invalid, or a
    key's parent holds something other than a mapping.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom):]
    parts = frontmatter.split(text)
    if parts is None:
        raise EditError("no front matter (the file must start with a --- line)")
    start = text.index("\n") + 1
    yaml_text = parts[0]
    before = _data(yaml_text)
    for key, value in values.items():
        yaml_text = _set(yaml_text, key.split("."), value)
    after = _data(yaml_text)
    expected = _expected(before, values)
    if after != expected:
        raise EditError(f"editing {', '.join(values)} would change other fields; edit by hand")
    return bom + text[:start] + yaml_text + text[start + len(parts[0]):]


def _data(yaml_text: str) -> dict:
    try:
        data = yamldoc.load(yaml_text).data
    except yamldoc.YAMLSyntaxError as exc:
        raise EditError(str(exc)) from None
    return data if isinstance(data, dict) else {}


def _expected(data: dict, values: dict[str, object]) -> dict:
    import copy

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


def render(value: object) -> str:
    """``value`` as a YAML scalar that reads back as exactly ``value``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _compose(yaml_text: str):
    try:
        return YAML(typ="rt").compose(yaml_text)
    except YAMLError as exc:
        raise EditError(f"invalid YAML: {exc}") from None


def _set(yaml_text: str, parts: list[str], value: object) -> str:
    node = _compose(yaml_text)
    if node is None:
        return yaml_text + _block(parts, value, 0)
    if not isinstance(node, MappingNode):
        raise EditError("front matter is not a mapping of fields")
    for depth, part in enumerate(parts):
        found = next(((k, v) for k, v in node.value if str(k.value) == part), None)
        last = depth == len(parts) - 1
        if found is None:
            return _insert(yaml_text, node, parts[depth:], value)
        key_node, child = found
        if last:
            if not isinstance(child, ScalarNode):
                raise EditError(f"{'.'.join(parts)} holds a {child.tag.split(':')[-1]}, "
                                "not a single value")
            return _replace(yaml_text, key_node, child, render(value))
        if isinstance(child, ScalarNode) and child.value in ("", None, "~", "null"):
            indent = key_node.start_mark.column + 2
            at = _after_colon(yaml_text, key_node)
            end = child.end_mark.index if child.value else at
            return yaml_text[:at] + "\n" + _block(parts[depth + 1:], value, indent).rstrip("\n") \
                + yaml_text[end:]
        if not isinstance(child, MappingNode):
            raise EditError(f"{'.'.join(parts[:depth + 1])} is not a mapping, so "
                            f"{'.'.join(parts)} cannot be set; edit by hand")
        node = child
    raise AssertionError("unreachable")


def _after_colon(yaml_text: str, key_node) -> int:
    return yaml_text.index(":", key_node.end_mark.index) + 1


def _replace(yaml_text: str, key_node, child: ScalarNode, rendered: str) -> str:
    start, end = child.start_mark.index, child.end_mark.index
    if start == end or child.start_mark.line != key_node.start_mark.line and not child.value:
        at = _after_colon(yaml_text, key_node)
        return yaml_text[:at] + " " + rendered + yaml_text[at:]
    return yaml_text[:start] + rendered + yaml_text[end:]


def _block(parts: list[str], value: object, indent: int) -> str:
    lines = []
    for depth, part in enumerate(parts[:-1]):
        lines.append(" " * (indent + 2 * depth) + f"{part}:")
    lines.append(" " * (indent + 2 * (len(parts) - 1)) + f"{parts[-1]}: {render(value)}")
    return "\n".join(lines) + "\n"


def _flow(parts: list[str], value: object) -> str:
    text = render(value)
    for part in reversed(parts[1:]):
        text = f"{{{part}: {text}}}"
    return f"{parts[0]}: {text}"


def _insert(yaml_text: str, mapping: MappingNode, parts: list[str], value: object) -> str:
    if mapping.flow_style:
        close = yaml_text.rindex("}", 0, mapping.end_mark.index)
        sep = ", " if mapping.value else ""
        return yaml_text[:close] + sep + _flow(parts, value) + yaml_text[close:]
    indent = mapping.value[0][0].start_mark.column if mapping.value else 0
    end = _last_leaf(mapping).end_mark
    at = end.index
    if end.column != 0:
        newline = yaml_text.find("\n", at)
        at = len(yaml_text) if newline == -1 else newline + 1
    prefix = "" if at == 0 or yaml_text[at - 1] == "\n" else "\n"
    return yaml_text[:at] + prefix + _block(parts, value, indent) + yaml_text[at:]


def _last_leaf(node):
    while not isinstance(node, ScalarNode) and node.value:
        last = node.value[-1]
        if isinstance(last, tuple):
            last = last[1]
        if getattr(node, "flow_style", False):
            return node
        node = last
    return node
