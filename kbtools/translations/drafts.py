"""``kb translate``: write machine-translated drafts, marked and pinned, one file at a time.

Each (source, language) pair is a job. A job translates the whole file in memory and then
writes it atomically, so a network failure, a rate limit that outlasts the retries or Ctrl-C
leaves every file either untouched or complete; the returned :class:`DraftRun` says which
jobs were done. A human translation is never overwritten without ``force``; an outdated
machine draft is refreshed (its own front matter is kept, only title, pin and body change).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from kbtools.atomic import write_text
from kbtools.content import frontmatter
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.errors import NotFoundError, ProviderError, UsageError
from kbtools.git import History
from kbtools.translations.pins import pin_values
from kbtools.translations.providers import Provider, make_provider
from kbtools.translations.report import translation_path
from kbtools.translations.segment import Unit, protect, segment, split_long
from kbtools.translations.verdicts import CURRENT, verdict

WRITTEN, REFRESHED = "written", "refreshed"
SKIPPED_HUMAN, SKIPPED_CURRENT = "skipped-human", "skipped-current"
FAILED, INTERRUPTED, NOT_STARTED = "failed", "interrupted", "not-started"
_NOT_COPIED = {"audience", "owner", "reviewed", "reviewed_by", "review_every"}


@dataclass
class Job:
    source: Article
    lang: str
    path: str
    existing: Article | None
    outcome: str | None = None
    message: str | None = None

    def to_dict(self) -> dict:
        return {"source": self.source.path, "lang": self.lang, "path": self.path,
                "outcome": self.outcome, "message": self.message}


@dataclass
class DraftRun:
    """What happened to each job; ``stopped`` says why the run ended early, if it did."""

    jobs: list[Job] = field(default_factory=list)
    stopped: str | None = None

    @property
    def done(self) -> list[Job]:
        return [j for j in self.jobs if j.outcome in (WRITTEN, REFRESHED)]

    def to_dict(self) -> dict:
        return {"jobs": [j.to_dict() for j in self.jobs], "stopped": self.stopped}


def provider_for(kb: KnowledgeBase, name: str | None = None) -> Provider:
    """The configured provider, or ``name`` (with kb.yml's options only if it names it too)."""
    settings = kb.config.translate
    chosen = name or settings.provider
    return make_provider(chosen, settings.options if chosen == settings.provider else {})


def plan(kb: KnowledgeBase, paths, langs, force: bool = False) -> list[Job]:
    """One job per source in ``paths`` and language in ``langs``, with its outcome decided
    when it needs no translating (human translation, current machine draft).

    Raises :class:`NotFoundError` / :class:`UsageError` before anything is translated.
    """
    languages = kb.config.translation_languages
    unknown = [lang for lang in langs if lang not in languages]
    if unknown or not langs:
        raise UsageError(f"--to: {', '.join(unknown) or 'no language'} "
                         f"(configured: {', '.join(languages)})")
    jobs = []
    for raw in paths:
        path = raw.removeprefix("./")
        source = kb.corpus.get(path)
        if source is None:
            raise NotFoundError(f"{path}: no such article (or it has errors: run kb check)")
        if source.is_translation:
            raise UsageError(f"{path} is a translation; pass its source {source.source}")
        for lang in langs:
            target = translation_path(kb, path, lang)
            job = Job(source, lang, target, kb.corpus.get(target))
            _decide(kb, job, force)
            jobs.append(job)
    return jobs


def _decide(kb: KnowledgeBase, job: Job, force: bool) -> None:
    existing = job.existing
    if force:
        return
    if existing is None:
        if (kb.root / job.path).exists():
            job.outcome, job.message = SKIPPED_HUMAN, "exists but could not be read (kb check); " \
                "--force overwrites it"
        return
    if not (existing.pin and existing.pin.machine):
        job.outcome = SKIPPED_HUMAN
        job.message = "a human translation; --force replaces it with a machine draft"
    elif verdict(existing, job.source) == CURRENT:
        job.outcome, job.message = SKIPPED_CURRENT, "machine draft already current"


def translate_articles(kb: KnowledgeBase, paths, langs, provider: Provider,
                       force: bool = False, history: History | None = None,
                       progress: Callable[[Job, int, int], None] | None = None) -> DraftRun:
    """Translate ``paths`` into ``langs`` with ``provider``; see the module docstring.

    ``progress(job, finished, total)`` is called after each job. Provider failures stop the run (reported in
    :attr:`DraftRun.stopped`); Ctrl-C stops it too, and the run is returned, not raised.
    """
    run = DraftRun(plan(kb, paths, langs, force))
    todo = [j for j in run.jobs if j.outcome is None]
    if todo:
        provider.check_languages(kb.config.default_language, tuple(sorted({j.lang for j in todo})))
        history = history if history is not None else kb.history
    for finished, job in enumerate(run.jobs, 1):
        if job.outcome is not None:
            if progress:
                progress(job, finished, len(run.jobs))
            continue
        if run.stopped:
            job.outcome = NOT_STARTED
            continue
        try:
            text = draft_text(kb, job, provider, history)
            write_text(kb.root / job.path, text)
            job.outcome = REFRESHED if job.existing else WRITTEN
        except ProviderError as exc:
            job.outcome, job.message, run.stopped = FAILED, str(exc), str(exc)
        except KeyboardInterrupt:
            job.outcome, run.stopped = INTERRUPTED, "interrupted (Ctrl-C)"
        if progress:
            progress(job, finished, len(run.jobs))
    return run


def draft_text(kb: KnowledgeBase, job: Job, provider: Provider, history: History) -> str:
    """The complete draft file for ``job``: translated title and body, pinned, marked."""
    source_lang = kb.config.default_language
    doc = segment(job.source.body)
    title = protect(job.source.title)
    done = translate_units(provider, [title, *doc.units], source_lang, job.lang)
    values, _ = pin_values(kb, job.source, history, machine=True)
    values = {"title": done[id(title)], **values}
    if job.existing is not None and (kb.root / job.path).exists():
        head = _front_matter(kb.root / job.path)
    else:
        head = _new_front_matter(kb, job.source)
    head = frontmatter.set_front_matter(head, values)
    return head + doc.render(done)


def _front_matter(file) -> str:
    text = file.read_text(encoding="utf-8")
    parts = frontmatter.split(text.lstrip("\ufeff"))
    if parts is None:
        return "---\n---\n"
    return "---\n" + parts[0] + "---\n"


def _new_front_matter(kb: KnowledgeBase, source: Article) -> str:
    text = (kb.root / source.path).read_text(encoding="utf-8").lstrip("\ufeff")
    meta = frontmatter.parse(text).meta.data or {}
    pin_roots = {key.split(".")[0] for key in (kb.config.translations.source_commit_key,
                                                kb.config.translations.source_hash_key,
                                                kb.config.translations.machine_key)}
    kept = {k: v for k, v in meta.items() if k not in _NOT_COPIED | pin_roots}
    dumped = yaml.safe_dump(kept, allow_unicode=True, sort_keys=False,
                            default_flow_style=False, width=100) if kept else ""
    return "---\n" + dumped + "---\n"


def translate_units(provider: Provider, units: list[Unit], source: str,
                    target: str) -> dict[int, str]:
    """Translations of ``units`` (by ``id``), placeholders restored.

    Texts are chunked within the provider's limits (long ones split at sentence ends). A unit
    whose placeholders the provider mangled is translated again piece by piece around them,
    so protected text always survives verbatim.
    """
    texts = [u.text for u in units]
    translated = _translate_texts(provider, texts, source, target)
    result, retry = {}, []
    for unit, text in zip(units, translated, strict=True):
        restored = unit.restore(text)
        if restored is None:
            retry.append(unit)
        else:
            result[id(unit)] = restored
    if retry:
        pieces = [(u, prose, text) for u in retry for prose, text in u.pieces()]
        prose = [text for _, is_prose, text in pieces if is_prose and text.strip()]
        again = iter(_translate_texts(provider, prose, source, target))
        for unit in retry:
            result[id(unit)] = "".join(
                (_keep_spaces(text, next(again)) if is_prose and text.strip() else text)
                for u, is_prose, text in pieces if u is unit)
    return result


def _keep_spaces(original: str, translated: str) -> str:
    lead = original[:len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()):]
    return lead + translated.strip() + trail


def _translate_texts(provider: Provider, texts: list[str], source: str,
                     target: str) -> list[str]:
    """Translate ``texts`` in batches of at most ``provider.max_chars`` characters."""
    pieces: list[tuple[int, str]] = []
    for n, text in enumerate(texts):
        pieces.extend((n, piece) for piece in split_long(text, provider.max_chars))
    out: list[list[str]] = [[] for _ in texts]
    batch: list[tuple[int, str]] = []
    size = 0
    for item in pieces + [(-1, "")]:
        full = batch and (size + len(item[1]) > provider.max_chars
                          or len(batch) >= provider.max_batch)
        if batch and (item[0] == -1 or full):
            for (n, _), translated in zip(batch, provider.translate(
                    [p for _, p in batch], source, target), strict=True):
                out[n].append(translated)
            batch, size = [], 0
        if item[0] != -1:
            batch.append(item)
            size += len(item[1])
    return [" ".join(parts) for parts in out]
