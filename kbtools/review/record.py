"""``kb review``: record that a person checked an article, editing only two front-matter fields.

The file is edited in place, not re-serialised: ruamel.yaml parses the front matter to find
where ``reviewed`` and ``reviewed_by`` are, and only those values are replaced (or, when
missing, one line each is added). Comments, key order, quoting, flow lists, line endings and the
body stay byte-for-byte as they were, so a translation's verdict (a hash of the body) and the
git diff a reviewer sees are exactly the two changed fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode

from kbtools import atomic, clock
from kbtools.content import frontmatter, yamldoc
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.errors import ContentError, NotFoundError, UsageError

# Where a missing field is added: after the first of these keys that exists, else at the end.
_PLACE_AFTER = {"reviewed": ("owner", "audience", "title"), "reviewed_by": ("reviewed",)}


@dataclass(frozen=True, slots=True)
class ReviewResult:
    """One reviewed file: the new values, the previous ones, and whether the file changed."""

    path: str
    reviewed: date
    reviewed_by: str
    previous: date | None
    previous_by: str | None
    changed: bool


def review(kb: KnowledgeBase, paths: Sequence[str], *, by: str | None = None,
           as_of: str | date | None = None, cwd: Path | None = None) -> list[ReviewResult]:
    """Set ``reviewed`` (today, or ``as_of``) and ``reviewed_by`` in each article of ``paths``.

    ``by`` must be an active person in the owners file; without it the reviewer is the article's
    responsible owner. Every path is checked and every new text prepared before any file is
    written, so a bad path or handle changes nothing. Raises :class:`NotFoundError` (no such
    article), :class:`UsageError` (bad handle) or :class:`ContentError` (front matter that
    cannot be edited safely).
    """
    today = clock.today(as_of)
    if by is not None:
        _check_reviewer(kb, by)
    plans = []
    for raw in paths:
        article = find_article(kb, raw, cwd)
        reviewer = by or _default_reviewer(kb, article)
        file = kb.root / article.path
        original = file.read_bytes()
        updated = set_fields(original.decode("utf-8"),
                             {"reviewed": today.isoformat(), "reviewed_by": reviewer},
                             path=article.path)
        data = updated.encode("utf-8")
        plans.append((file, data, data != original,
                      ReviewResult(article.path, today, reviewer, article.reviewed,
                                   article.reviewed_by, data != original)))
    for file, data, changed, _ in plans:
        if changed:
            atomic.write_bytes(file, data)
    return [plan[3] for plan in plans]


def find_article(kb: KnowledgeBase, raw: str, cwd: Path | None = None) -> Article:
    """The article at ``raw``: a path relative to the KB root, to ``cwd``, or absolute."""
    candidates = [raw.replace("\\", "/").removeprefix("./")]
    for base in filter(None, (cwd, Path.cwd())):
        absolute = (base / raw).resolve()
        if absolute.is_relative_to(kb.root):
            candidates.append(absolute.relative_to(kb.root).as_posix())
    for candidate in candidates:
        article = kb.corpus.get(candidate)
        if article is not None:
            return article
    if (kb.root / candidates[-1]).is_file() and candidates[-1].endswith(".md"):
        raise NotFoundError(f"{candidates[-1]}: the file could not be loaded; "
                            "run `kb check` to see why, fix it, then review it")
    raise NotFoundError(f"{raw}: no such article (give a path such as docs/faq/refund.md)")


def _check_reviewer(kb: KnowledgeBase, handle: str) -> None:
    owners = kb.owners
    if handle in owners.teams:
        raise UsageError(f"--by: {handle!r} is a team; a review is done by a person "
                         f"(one of {', '.join(sorted(owners.people)) or 'nobody'})")
    person = owners.people.get(handle)
    if person is None:
        raise UsageError(f"--by: unknown handle {handle!r}: declare it in "
                         f"{kb.config.owners_file} or fix the spelling")
    if not person.active:
        raise UsageError(f"--by: {handle!r} is marked inactive in {kb.config.owners_file}")


def _default_reviewer(kb: KnowledgeBase, article: Article) -> str:
    handle = kb.owners.responsible(article.owner)
    if handle is None or handle not in kb.owners.people:
        raise UsageError(f"{article.path}: no owner who could have reviewed it; "
                         "say who did with --by HANDLE")
    return handle


def set_fields(text: str, changes: Mapping[str, str], *, path: str) -> str:
    """Return ``text`` (a markdown file) with top-level front-matter ``changes`` applied.

    Only the changed values (or one added line per missing key) differ from ``text``. Raises
    :class:`ContentError` naming ``path`` and the line when the front matter cannot be edited
    this way (unreadable, a flow mapping, or a field that is not a plain value).
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom):]
    parts = frontmatter.split(text)
    if parts is None:
        raise ContentError(f"{path}:1: no front matter to edit")
    yaml_text, body, _ = parts
    start = text.index("\n") + 1
    root = _compose(yaml_text, path)
    edits = _edits(yaml_text, root, changes, path)
    new_yaml = yaml_text
    for position, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        new_yaml = new_yaml[:position] + replacement + new_yaml[end:]
    result = text[:start] + new_yaml + text[start + len(yaml_text):]
    _verify(text, result, changes, path)
    return bom + result


def _compose(yaml_text: str, path: str) -> MappingNode:
    try:
        root = YAML(typ="rt").compose(yaml_text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        raise ContentError(f"{path}:{line}: cannot read the front matter: {exc}") from None
    if not isinstance(root, MappingNode) or root.flow_style:
        raise ContentError(f"{path}:2: the front matter must be a block mapping (key: value "
                           "lines) for kb review to edit it")
    return root


def _edits(yaml_text: str, root: MappingNode, changes: Mapping[str, str],
           path: str) -> list[tuple[int, int, str]]:
    nodes = {key.value: (key, value) for key, value in root.value}  # the last duplicate wins
    newline = "\r\n" if "\r\n" in yaml_text else "\n"
    indent = " " * root.start_mark.column
    edits: list[tuple[int, int, str]] = []
    inserts: dict[int, str] = {}  # position -> added lines, in the order of ``changes``
    placed: dict[str, int] = {}
    for key, value in changes.items():
        if key in nodes:
            edits.extend(_replace_value(yaml_text, *nodes[key], value, path))
            continue
        position = _insertion_point(yaml_text, nodes, placed, key)
        placed[key] = position
        inserts[position] = (inserts.get(position, "")
                             + f"{indent}{key}: {_plain_or_quoted(value)}{newline}")
    return edits + [(position, position, lines) for position, lines in inserts.items()]


def _replace_value(yaml_text: str, key: ScalarNode, node, value: str,
                   path: str) -> list[tuple[int, int, str]]:
    if not isinstance(node, ScalarNode) or node.style in ("|", ">"):
        raise ContentError(f"{path}:{2 + key.start_mark.line}: {key.value} must be a single "
                           f"value such as {value} for kb review to update it")
    start, end = node.start_mark.index, node.end_mark.index
    if start == end:  # `reviewed:` with no value: write it after the colon
        colon = yaml_text.index(":", key.end_mark.index)
        return [(colon + 1, colon + 1, " " + _plain_or_quoted(value))]
    if node.value == value and node.tag != "tag:yaml.org,2002:null":
        return []
    quote = node.style if node.style in ("'", '"') else None
    return [(start, end, f"{quote}{value}{quote}" if quote else _plain_or_quoted(value))]


def _insertion_point(yaml_text: str, nodes: dict, placed: dict[str, int], key: str) -> int:
    for anchor in _PLACE_AFTER.get(key, ()):
        if anchor in placed:
            return placed[anchor]
        if anchor in nodes:
            key_node, value = nodes[anchor]
            if isinstance(value, ScalarNode) and value.style not in ("|", ">"):
                # An empty value "ends" at the next line's start: count from its key instead.
                end = value.end_mark.index if value.end_mark.index > value.start_mark.index \
                    else key_node.end_mark.index
                newline = yaml_text.find("\n", end)
                return len(yaml_text) if newline == -1 else newline + 1
    return len(yaml_text)


def _plain_or_quoted(value: str) -> str:
    """``value`` as a plain scalar when YAML reads it back as the same text, else quoted."""
    try:
        same = yamldoc.load(f"k: {value}\n").data == {"k": value}
    except yamldoc.YAMLSyntaxError:
        same = False
    return value if same else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _verify(before: str, after: str, changes: Mapping[str, str], path: str) -> None:
    """Guard: the edited file must read back as the old one with exactly ``changes``."""
    old, new = frontmatter.parse(before), frontmatter.parse(after)
    expected = {**old.meta.data, **changes}  # type: ignore[dict-item]
    actual = {k: (str(v) if k in changes else v) for k, v in new.meta.data.items()}  # type: ignore[union-attr]
    if actual != expected or old.body != new.body:
        raise ContentError(f"{path}:2: kb review could not update the front matter without "
                           "changing anything else; edit reviewed/reviewed_by by hand")
