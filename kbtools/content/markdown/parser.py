"""The markdown-it parser the reader walks: CommonMark, tables, footnotes, definition lists,
plus this site's containers (admonitions, details, tabs), Jinja macros and attribute lists,
with every inline token's place in its source recorded (in ``token.meta``)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

AT = "kb.at"          # token.meta key: (start, end) in the inline source
LABEL = "kb.label"    # token.meta key: where an image's alt text ends
BASE = "kb.base"      # token.meta key: body offset where an inline token's source starts
MARK = "kb.marker"    # token.meta key: (start, end) of an admonition or tab marker
SKIPPED = "kb.skipped"  # token.meta key: an inline token an outline did not need parsed
OUTLINE = "kb.outline"  # env key: parse for an outline (see :func:`_inline`)

ATTRS = re.compile(
    r"\{:?[ \t]*(?:[#.][\w:-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+))"
    r"(?:[ \t]+(?:[#.][\w:-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+)))*[ \t]*\}")
_CONTAINER = re.compile(
    r'(!!!|\?\?\?\+?|===[+!]?)[ \t]*([\w-]+(?:[ \t]+[\w-]+)*)?[ \t]*(?:"(.*)")?[ \t]*$')
_MACROS = (("{##", "##}"), ("{{", "}}"), ("{%", "%}"))


def _container(state, start: int, end: int, silent: bool) -> bool:
    """``!!! type "Title"``, ``??? type``, ``=== "Tab"``: a title and 4-space indented body."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if state.src[pos] not in "!?=":
        return False
    match = _CONTAINER.match(state.src, pos, state.eMarks[start])
    if match is None:
        return False
    marker, classes, title = match.groups()
    if (marker == "!!!" and not classes or marker[0] == "?" and not (classes or title)
            or marker[0] == "=" and (classes or title is None)):
        return False
    if silent:
        return True
    indent = state.sCount[start] + 4
    last = line = start + 1
    while line < end:
        if not state.isEmpty(line):
            if state.sCount[line] < indent:
                break
            last = line + 1
        line += 1
    token = state.push("kb_container_open", "div", 1)
    token.map, token.markup, token.info = [start, last], marker, classes or ""
    token.meta[MARK] = (pos, match.end(2) if classes else match.end(1))
    if title:
        token = state.push("inline", "", 0)
        token.content, token.map, token.children = title, [start, start + 1], []
        token.meta[BASE] = match.start(3)
    saved = state.blkIndent, state.lineMax, state.parentType
    state.blkIndent, state.lineMax, state.parentType = indent, last, "kb_container"
    state.md.block.tokenize(state, start + 1, last)
    state.blkIndent, state.lineMax, state.parentType = saved
    state.push("kb_container_close", "div", -1)
    state.line = last
    return True


def _macro(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "{":
        return False
    for opener, closer in _MACROS:
        if src.startswith(opener, pos):
            end = src.find(closer, pos + len(opener), state.posMax)
            if end < 0:
                return False
            end += len(closer)
            if not silent:
                token = state.push("kb_macro", "", 0)
                token.content, token.markup = src[pos:end], opener
                token.meta[AT] = (pos, end)
            state.pos = end
            return True
    return False


def _attrs(state, silent: bool) -> bool:
    if state.src[state.pos] != "{":
        return False
    match = ATTRS.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("kb_attrs", "", 0)
        token.content = match.group()
        token.meta[AT] = match.span()
    state.pos = match.end()
    return True


def _tracked(rule):
    """``rule``, recording where in the inline source each token it pushes came from."""

    def tracked(state, silent: bool) -> bool:
        if silent:
            return rule(state, True)
        start, count = state.pos, len(state.tokens)
        if not rule(state, False):
            return False
        end = state.pos
        for token in state.tokens[count:]:
            if token.type != "text" and AT not in token.meta:
                token.meta[AT] = (start, end)
        return True

    return tracked


def _tracked_link(rule):
    """The ``link`` rule, tracked: ``[`` ... ``](target)``, the label's tokens have their
    own places."""

    def tracked(state, silent: bool) -> bool:
        if silent:
            return rule(state, True)
        start, count = state.pos, len(state.tokens)
        if not rule(state, False):
            return False
        end, new = state.pos, state.tokens
        for index in range(count, len(new)):
            if new[index].type == "link_open":
                new[index].meta[AT] = (start, start + 1)
                break
        label_end = state.md.helpers.parseLinkLabel(state, start, True)
        new[-1].meta[AT] = (label_end if label_end > start else end - 1, end)
        return True

    return tracked


def _tracked_image(rule):
    """The ``image`` rule, tracked (see :func:`_tracked`); where its alt text ends is kept too."""
    base = _tracked(rule)

    def tracked(state, silent: bool) -> bool:
        start = state.pos
        if not base(state, silent):
            return False
        if not silent:
            state.tokens[-1].meta[LABEL] = state.md.helpers.parseLinkLabel(
                state, start + 1, False)
        return True

    return tracked


def may_hold_outline(content: str) -> bool:
    """Whether inline ``content`` can hold a link, an id or a comment: without ``[``, ``<``
    or an attribute list it holds none (links, images, footnotes, autolinks and raw HTML
    all start with one of them)."""
    return "[" in content or "<" in content or ("{" in content
                                                and ATTRS.search(content) is not None)


def _inline(state) -> None:
    """markdown-it's ``inline`` core rule, except that for an outline (``env[OUTLINE]``)
    an inline token that is not a heading's and cannot hold a link or an id
    (:func:`may_hold_outline`) is left unparsed and marked :data:`SKIPPED`."""
    outline, previous = state.env.get(OUTLINE, False), ""
    parse, md, env = state.md.inline.parse, state.md, state.env
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if outline and previous != "heading_open" and not may_hold_outline(token.content):
                token.meta[SKIPPED] = True
            else:
                parse(token.content, md, env, token.children)
        previous = token.type


class _MarkdownIt(MarkdownIt):
    """markdown-it that normalizes a link target (url-encoding, punycode) only where
    validating it needs that: the reader takes every target as written, never the
    normalized ``href``, and a target without ``:`` names no scheme the validator refuses,
    before or after normalizing."""

    def normalizeLink(self, url: str) -> str:
        return super().normalizeLink(url) if ":" in url else url


def _parser() -> MarkdownIt:
    md = _MarkdownIt("commonmark", {"inline_definitions": True}).enable("table")
    md.use(footnote_plugin).use(deflist_plugin)
    md.core.ruler.disable("text_join")  # keep escapes and entities apart: they have places
    md.core.ruler.at("inline", _inline)
    md.block.ruler.before("fence", "kb_container", _container,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    inline = md.inline.ruler
    wrappers = {"link": _tracked_link, "image": _tracked_image}
    for name, rule in zip(inline.get_active_rules(), inline.getRules(""), strict=True):
        if name != "text":  # text only adds to the pending text, whose place is computed
            inline.at(name, wrappers.get(name, _tracked)(rule))
    inline.after("text", "kb_macro", _macro)
    inline.after("kb_macro", "kb_attrs", _attrs)
    return md


PARSER = _parser()


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts."""
    starts, at = [0], text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def attribute_id(attrs: str) -> str | None:
    """The id an attribute list (``{: #id .class key=value}``) sets, if any."""
    ident = None
    for item in attrs.strip("{}").lstrip(":").split():
        if item.startswith("#"):
            ident = item[1:]
        elif item.startswith("id="):
            ident = item[3:].strip("\"'")
    return ident
