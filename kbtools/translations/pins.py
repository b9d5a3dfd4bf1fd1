"""A translation's pin, the state of its source it was made from: the source's text at the
pin (:func:`pinned_content_hash`), what changed in the source since (:func:`source_diff`), and
re-pinning a translation once a person has brought it up to date (:func:`mark_current`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kbtools.atomic import write_text
from kbtools.content import frontmatter
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article, content_hash, translatable_texts
from kbtools.errors import NotFoundError, UsageError
from kbtools.git import History, diff_to_worktree


def unreadable_pin(history: History, commit: str) -> str:
    """Why the source cannot be read at the pinned ``commit``."""
    if not history.available:
        return f"pinned to commit {commit[:10]} only, and there is no history " \
               f"({history.problem}) to read the source at it"
    hint = " (shallow clone: fetch more history)" if history.shallow else ""
    return f"pinned commit {commit[:10]} is not in this checkout's history{hint}"


def pinned_content_hash(text: str, fields: tuple[str, ...]) -> str:
    """The content hash of a source file's text as it was (a blob read from git)."""
    text = text.lstrip("\ufeff")
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError:
        parts = frontmatter.split(text)
        return content_hash(parts[1] if parts else text)
    data = parsed.meta.data if isinstance(parsed.meta.data, dict) else {}
    return content_hash(parsed.body, translatable_texts(data, fields))


@dataclass(frozen=True)
class SourceDiff:
    """What changed in a translation's source since the translation's pin."""

    translation: str
    source: str
    commit: str
    behind_commits: int
    diff: str


def source_diff(kb: KnowledgeBase, path: str, history: History | None = None) -> SourceDiff:
    """The unified diff of ``path``'s source from its pinned commit to the working tree.

    Raises :class:`NotFoundError` if ``path`` is not a translation with an existing source,
    :class:`UsageError` if it pins no commit or history cannot read that commit.
    """
    translation = _translation(kb, path)
    if kb.corpus.get(translation.source) is None:
        raise NotFoundError(f"{path}: its source {translation.source} no longer exists")
    pinned = translation.pin.source_commit if translation.pin else None
    if not pinned:
        raise UsageError(f"{path}: no source commit is pinned, so there is nothing to diff "
                         "against; update it by comparing with the source, then run "
                         "'kb translations mark-current'")
    history = history if history is not None else kb.history
    commit = history.resolve(pinned)
    since = history.since(translation.source, commit) if commit else None
    if since is None:
        raise UsageError(f"{path}: {unreadable_pin(history, pinned)}")
    text = diff_to_worktree(history, commit, since[1], translation.source)
    if text is None:
        raise UsageError(f"{path}: {since[1]} did not exist at pinned commit {commit[:10]}")
    return SourceDiff(path, translation.source, commit, len(since[0]), text)


def _translation(kb: KnowledgeBase, path: str) -> Article:
    path = path.removeprefix("./")
    article = kb.corpus.get(path)
    if article is None:
        raise NotFoundError(f"{path}: no such article (paths are relative to {kb.root})")
    if not article.is_translation:
        raise NotFoundError(f"{path}: not a translation (its source would be given as "
                            "docs/x.md; pass the translation, e.g. docs/x.ru.md)")
    return article


@dataclass(frozen=True, slots=True)
class Pinned:
    """A translation re-pinned by :func:`mark_current`."""

    path: str
    source: str
    source_commit: str | None
    source_hash: str
    cleared_machine: bool = False
    note: str | None = None


def pin_values(kb: KnowledgeBase, source: Article, history: History,
               machine: bool | None = None) -> tuple[dict[str, object], str | None]:
    """Front-matter values pinning ``source``'s current state, and a note if the commit is
    unknown or does not hold the current text (uncommitted changes)."""
    settings = kb.config.translations
    commit = history.last_commit(source.path) if history.available else None
    values: dict[str, object] = {}
    if commit:
        values[settings.source_commit_key] = commit
    values[settings.source_hash_key] = source.content_hash
    if machine is not None:
        values[settings.machine_key] = machine
    note = None
    if not commit:
        note = f"no commit recorded ({history.problem or 'source never committed'})"
    elif source.path in history.dirty:
        note = "source has uncommitted changes: the pinned commit predates them"
    return values, note


def mark_current(kb: KnowledgeBase, paths, history: History | None = None) -> list[Pinned]:
    """Re-pin each translation in ``paths`` to its source's current state, atomically.

    Only the pin keys change (and a machine-draft flag is cleared: a person vouched for the
    text). All paths are checked before any file is written. Raises :class:`NotFoundError`.
    """
    translations = [_translation(kb, p) for p in paths]
    for t in translations:
        if kb.corpus.get(t.source) is None:
            raise NotFoundError(f"{t.path}: its source {t.source} no longer exists; "
                                "move or delete the translation")
    history = history if history is not None else kb.history
    edits = []
    for t in translations:
        machine = t.pin is not None and t.pin.machine
        values, note = pin_values(kb, kb.corpus.get(t.source), history,
                                  machine=False if machine else None)
        file = kb.root / t.path
        try:
            text = frontmatter.set_front_matter(file.read_text(encoding="utf-8"), values)
        except frontmatter.EditError as exc:
            raise UsageError(f"{t.path}: {exc}") from None
        settings = kb.config.translations
        edits.append((file, text, Pinned(t.path, t.source, values.get(settings.source_commit_key),
                                         values[settings.source_hash_key], machine, note)))
    for file, text, _ in edits:
        write_text(file, text)
    return [pinned for *_, pinned in edits]
