"""Translation freshness: which translations are behind their source, by how much, and what
changed (re-pinning one once a person has updated it: :mod:`kbtools.translations.pins`).

Verdicts come from content hashes (:mod:`kbtools.freshness`), never from dates. Git history,
read in one pass by :mod:`kbtools.git`, adds how far behind an outdated translation is
(commits touching the source since the pin, lines changed), where a deleted source went, and
the hash for pins that record only a commit. Without history (no git, a shallow clone) the
verdicts still stand and the report says what it could not compute.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace

from kbtools.content.config import locate
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.git import History, changed_lines, read_blobs
from kbtools.translations.pins import pinned_content_hash, unreadable_pin
from kbtools.translations.verdicts import (
    CURRENT,
    EXPECTED,
    MISSING,
    ORPHANED,
    OUTDATED,
    SKIPPED,
    STATUSES,
    UNTRACKED,
    percent_current,
    verdict,
)

_WORST_FIRST = (OUTDATED, MISSING, ORPHANED, UNTRACKED, SKIPPED, CURRENT)
_REPORT = "translations.report"
"""Memo key of the run's default report (:func:`translation_report` with no options)."""


@dataclass(frozen=True, slots=True)
class TranslationStatus:
    """The verdict for one (source, language) pair.

    ``path`` is the translation's file (for ``missing``, where it would be). ``behind_commits``
    and ``changed_lines`` are set for ``outdated`` translations when history allows; ``note``
    says what could not be computed, or where an orphan's source went (``moved_to``).
    """

    source: str
    path: str
    lang: str
    status: str
    machine: bool = False
    owner: str | None = None
    behind_commits: int | None = None
    changed_lines: int | None = None
    pinned_commit: str | None = None
    moved_to: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TranslationReport:
    """Every verdict, by language, worst first, then source; and how usable history was."""

    items: tuple[TranslationStatus, ...]
    languages: tuple[str, ...]
    history: str = "ok"
    """``ok``, ``shallow`` or why there is none (``not a git checkout``)."""
    scope: tuple[TranslationStatus, ...] | None = None
    """What :meth:`summary` counts (``items`` before a status filter); None: ``items``."""
    notes: tuple[str, ...] = ()
    """What the reader must know about the run itself: a configured language for which no
    translation was found (where kb looked), files under no language."""
    strict: bool = False
    """Verdicts by the "source file changed since the pin" rule (see ``translation_report``)."""

    def filtered(self, langs=(), statuses=(), owner: str | None = None) -> TranslationReport:
        """Only ``langs``/``owner``; ``statuses`` narrows the items but not the summary."""
        scope = tuple(i for i in self.items if (not langs or i.lang in langs)
                      and (owner is None or i.owner == owner))
        return replace(self, items=tuple(i for i in scope if not statuses or i.status in statuses),
                       scope=scope,
                       languages=tuple(x for x in self.languages if not langs or x in langs))

    def summary(self) -> dict[str, dict]:
        """Per language: the count of each status, the total, the expected translations and
        the percentage current (of the expected: see :func:`~verdicts.percent_current`)."""
        result = {}
        scope = self.items if self.scope is None else self.scope
        for lang in self.languages:
            counts = Counter(i.status for i in scope if i.lang == lang)
            result[lang] = {**{s: counts.get(s, 0) for s in STATUSES},
                            "total": sum(counts.values()),
                            "expected": sum(counts[s] for s in EXPECTED),
                            "machine": sum(1 for i in scope if i.lang == lang and i.machine),
                            "percent_current": percent_current(counts)}
        return result

    def failing(self, statuses) -> list[TranslationStatus]:
        return [i for i in self.items if i.status in statuses]

    def to_dict(self) -> dict:
        return {"translations": [i.to_dict() for i in self.items],
                "summary": self.summary(), "history": self.history,
                "percent_current_of": "expected translations: current + outdated + untracked "
                                      "+ missing (orphaned and skipped are not counted)",
                "mode": "strict" if self.strict else "content", "notes": list(self.notes)}


def translation_path(kb: KnowledgeBase, source: str, lang: str) -> str:
    """Where the ``lang`` translation of ``source`` lives under the configured layout."""
    settings = kb.config.translations
    folder = settings.source_folder.strip("/") + "/"
    if settings.layout == "folder" and source.startswith(folder):
        return settings.folder_of(lang) + "/" + source[len(folder):]
    return f"{source[:-len('.md')]}.{lang}.md"


def translation_report(kb: KnowledgeBase, history: History | None = None,
                       every_source: bool = False, strict: bool = False) -> TranslationReport:
    """One verdict per source article and translation language, and one entry per markdown
    file that is no article (``skipped``, with why).

    Sources in scope are public articles and any article that has a translation (internal
    guides nobody translates are not ``missing``); ``every_source`` includes them all.

    By default a translation is ``outdated`` when the source's content changed since the pin
    (:func:`~kbtools.content.model.content_hash`: translatable front matter, words, links and
    code; not the formatting of prose). ``strict`` applies the rule "the source file changed
    since the pinned commit" instead (any byte; pins without a commit compare hashes).
    """
    if history is None and not every_source and not strict:
        # the report a run's pages and reports share (the translation status pages, the
        # content-health page): made once, from the run's history (it is immutable)
        return kb.memo.get(_REPORT, lambda: _report(kb, kb.history, False, False))
    return _report(kb, history if history is not None else kb.history, every_source,
                   strict)


def _report(kb: KnowledgeBase, history: History, every_source: bool,
            strict: bool) -> TranslationReport:
    builder = _Builder(kb, history, strict)
    items = [builder.status(t) for t in kb.corpus.articles if t.is_translation]
    items = builder.finish(items)
    items.extend(_skipped(kb))
    for source in kb.corpus.sources():
        have = kb.corpus.translations_of(source.path)
        if not (every_source or source.is_public or have):
            continue
        for lang in kb.config.translation_languages:
            if lang not in have:
                items.append(TranslationStatus(
                    source.path, translation_path(kb, source.path, lang), lang, MISSING,
                    owner=_owner(kb, source)))
    order = {lang: n for n, lang in enumerate(kb.config.languages)}
    items.sort(key=lambda i: (order.get(i.lang, 99), _WORST_FIRST.index(i.status), i.source,
                              i.path))
    state = history.problem or ("shallow" if history.shallow else "ok")
    return TranslationReport(tuple(items), kb.config.translation_languages, state,
                             notes=_notes(kb, items), strict=strict)


def _skipped(kb: KnowledgeBase) -> list[TranslationStatus]:
    """A ``skipped`` entry per file that is no article: a translation under its language, a
    source under each language it has translations in (or the source language)."""
    found = []
    translated: dict[str, set[str]] = {}
    for path in kb.corpus.skipped:
        lang, source = locate(kb.config, path)
        if source is not None:
            translated.setdefault(source, set()).add(lang)
    for path, reason in kb.corpus.skipped.items():
        lang, source = locate(kb.config, path)
        if source is not None:
            if source in kb.corpus.skipped:
                continue  # reported with its source below
            found.append(TranslationStatus(source, path, lang, SKIPPED, note=f"skipped: {reason}"))
            continue
        # its translations that are articles say "skipped" themselves (_Builder.status)
        for each in [kb.config.default_language, *sorted(translated.get(path, ()))]:
            note = f"skipped: {reason}" if each == kb.config.default_language else \
                f"skipped: its source {path} is no article: {reason}"
            found.append(TranslationStatus(path, path if each == kb.config.default_language
                                           else translation_path(kb, path, each), each,
                                           SKIPPED, note=note))
    return found


def _notes(kb: KnowledgeBase, items: list[TranslationStatus]) -> tuple[str, ...]:
    settings = kb.config.translations
    notes = []
    for lang in kb.config.translation_languages:
        if any(i.lang == lang and i.status != MISSING for i in items):
            continue
        where = (f"in {settings.folder_of(lang)}/" if settings.layout == "folder"
                 else f"as *.{lang}.md beside their sources")
        notes.append(f"no translations found for {lang} (looked {where})")
    return tuple(notes)


def _owner(kb: KnowledgeBase, article: Article) -> str | None:
    return kb.owners.responsible(article.owner) or article.owner


@dataclass
class _Builder:
    """Two passes: verdicts from hashes, then batched blob reads for the git details."""

    kb: KnowledgeBase
    history: History
    strict: bool = False
    wanted: set = field(default_factory=set)
    pending: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)

    def status(self, t: Article) -> TranslationStatus:
        kb, history = self.kb, self.history
        source = kb.corpus.get(t.source)
        pin = t.pin
        base = TranslationStatus(t.source, t.path, t.lang, UNTRACKED, bool(pin and pin.machine),
                                 _owner(kb, t), pinned_commit=pin.source_commit if pin else None)
        if source is None:
            if t.source in kb.corpus.skipped:
                return replace(base, status=SKIPPED, note=f"skipped: its source {t.source} is "
                               f"no article: {kb.corpus.skipped[t.source]}")
            return self._orphan(base)
        commit = history.resolve(pin.source_commit) if pin else None
        since = history.since(t.source, commit) if commit else None
        if commit and since is not None:
            self.wanted.add((commit, since[1]))
            self.pending[t.path] = (commit, since)
        status = verdict(t, source)
        if self.strict and since is not None:
            status = UNTRACKED  # decided from the bytes at the pin (finish)
        if status == UNTRACKED and pin and pin.source_commit and not since:
            return replace(base, note=unreadable_pin(self.history, pin.source_commit))
        return replace(base, status=status)

    def _orphan(self, base: TranslationStatus) -> TranslationStatus:
        fate = self.history.fate(base.source)
        if fate is None:
            note = ("source not found" if self.history.available
                    else f"source not found; no history ({self.history.problem})")
            return replace(base, status=ORPHANED, note=note)
        how, where, commit = fate
        if how == "renamed":
            return replace(base, status=ORPHANED, moved_to=where,
                           note=f"source renamed to {where} in {commit[:10]}")
        return replace(base, status=ORPHANED, note=f"source deleted in {commit[:10]}")

    def finish(self, items: list[TranslationStatus]) -> list[TranslationStatus]:
        if self.strict:  # a source untouched since the pin, and clean, needs no blob
            self.wanted = set()
            for path, (commit, (commits, old)) in self.pending.items():
                source = self.kb.corpus.get(path).source
                if commits or old != source or source in self.history.dirty:
                    self.wanted.add((commit, old))
        blobs = read_blobs(self.history, self.wanted) if self.wanted else {}
        moved = self._moved(items, blobs)
        return [self._detail(item, blobs, moved) for item in items]

    def _moved(self, items: list[TranslationStatus], blobs: dict) -> dict:
        """For translations whose source did not exist at their pin: the source's path at the
        pin found through the translation's own path then (a page moved with its translation
        and rewritten in one commit, which git cannot pair), with its text then."""
        found, wanted = {}, set()
        for item in items:
            pending = self.pending.get(item.path)
            if pending is None or (pending[0], pending[1][1]) in blobs:
                continue
            commit = pending[0]
            then = self.history.since(item.path, commit)
            if then is None or then[1] == item.path:
                continue
            lang, old_source = locate(self.kb.config, then[1])
            if old_source and lang == item.lang and old_source != item.source:
                found[item.path] = (old_source, then[0][-1] if then[0] else commit)
                wanted.add((commit, old_source))
        if wanted:
            blobs.update(read_blobs(self.history, wanted))
        return found

    def _detail(self, item: TranslationStatus, blobs: dict, moved: dict) -> TranslationStatus:
        if item.status in (ORPHANED, MISSING, SKIPPED):
            return item
        history, pending = self.history, self.pending.get(item.path)
        translation = self.kb.corpus.get(item.path)
        source = self.kb.corpus.get(item.source)
        dirty = " (the source has uncommitted changes)" if item.source in history.dirty else ""
        if pending is None:
            if item.status == OUTDATED:
                pinned = item.pinned_commit
                note = (unreadable_pin(self.history, pinned) if pinned
                        else "pinned by hash only: cannot count commits or lines behind") + dirty
                return replace(item, note=note)
            return item
        commit, (commits, old_path) = pending
        if self.strict and not commits and old_path == item.source and not dirty:
            return replace(item, status=CURRENT)
        old = blobs.get((commit, old_path))
        note = None
        if old is None and item.path in moved:
            old_path, when = moved[item.path]
            old = blobs.get((commit, old_path))
            if old is not None:
                note = (f"source moved from {old_path} and rewritten in {when[:10]}, so git "
                        "could not pair the two files; compared with the old file")
        if old is None:
            if item.status == UNTRACKED or self.strict:
                return replace(item, status=OUTDATED, note=(
                    f"pin unusable: {item.source} did not exist at pinned commit {commit[:10]}"
                    f"{' (it was added in ' + commits[-1][:10] + ')' if commits else ''}; "
                    "compare the translation with the source and re-pin it"))
            return item
        if self.strict:
            current = (self.kb.root / item.source).read_bytes()
            item = replace(item, status=CURRENT if current == old else OUTDATED)
            if item.status == CURRENT:
                return item
        elif item.status == UNTRACKED:  # a commit-only pin: hash the source as it was then
            pinned_hash = pinned_content_hash(old.decode("utf-8", "replace"),
                                              self.kb.config.translations.translatable_fields)
            item = replace(item, status=verdict(translation, source, pinned_hash))
        if item.status != OUTDATED:
            return item
        lines = self._changed_lines(commit, old_path, item.source, old)
        return replace(item, behind_commits=len(commits), changed_lines=lines,
                       note=note or dirty.strip(" ()") or None)

    def _changed_lines(self, commit: str, old_path: str, source: str,
                       old: bytes | None) -> int | None:
        """Lines changed in ``source`` since ``commit`` (memoised: languages share pins)."""
        key = (commit, old_path, source)
        if key not in self.lines and old is not None:
            current = (self.kb.root / source).read_text(encoding="utf-8", errors="replace")
            self.lines[key] = changed_lines(old.decode("utf-8", "replace"), current)
        return self.lines.get(key)
