"""``kb build``: build the internal and the public site, each atomically into its folder."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.exceptions import MkDocsException

from kbtools import atomic, locks
from kbtools.content.check import CheckReport, check
from kbtools.content.knowledge_base import KnowledgeBase, open_kb
from kbtools.diagnostics import Finding
from kbtools.errors import ContentError, StateError, UsageError
from kbtools.sites.context import kept_staging_dir, prepare
from kbtools.sites.exchange import Exchange
from kbtools.sites.failures import SiteBuildError as SiteBuildError  # (re-exported)
from kbtools.sites.failures import Warnings, raise_failure, repo_paths
from kbtools.sites.mkconfig import (
    MKDOCS_PLUGIN,
    load_site_config,
    read_raw,
    site_name,
)
from kbtools.sites.mklog import quiet_dirty_notices
from kbtools.sites.outputs import (
    exchange_dir,
    find_leftovers,
    output_dir,
    remove,
    strip,
    take_spare,
    work_dir,
)
from kbtools.sites.pagecache import PageCache, manifest_path
from kbtools.sites.pagekeys import build_key
from kbtools.sites.recycling import carry
from kbtools.sites.site import SITES, Site

LOCK_NAME = "build.lock"
"""The lock file, in the state folder, that lets one build of a knowledge base run at a time."""


@dataclass(frozen=True)
class SiteReport:
    """One built site."""

    site: str
    out: Path
    pages: int
    """HTML pages written, every language included."""
    seconds: float
    bytes: int
    """Total size of the output folder."""
    warnings: tuple[str, ...] = ()
    reused: int = 0
    """Article pages not rendered again: their inputs had not changed since the last build."""
    shared: int = 0
    """Fallback copies made from their English page's HTML, not converted again."""
    skipped: int = 0
    """Of the ``reused`` pages, those MkDocs did not even read (their file was put in place
    before MkDocs reached them)."""
    recycled: int = 0
    """Of the ``reused`` pages, those whose file was already in place: the build wrote into
    the folder an earlier one replaced, which held links to them (:mod:`.recycling`)."""
    indexed: int = 0
    """Pages whose search entries were taken in the sanitizer's pass over their HTML, not
    parsed again by Material's search (:mod:`.search_sections`)."""
    exchanged: int = 0
    """Pages whose body the other site's build converted, not converted again
    (:mod:`.exchange`)."""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["out"] = str(self.out)
        return data


@dataclass(frozen=True)
class BuildReport:
    sites: tuple[SiteReport, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> SiteReport:
        for report in self.sites:
            if report.site == name:
                return report
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"sites": [s.to_dict() for s in self.sites]}


def build(kb: KnowledgeBase, which: Iterable[str] = ("internal", "public"), *,
          out: Path | str | None = None,
          languages: Iterable[str] | None = None, clean: bool = False,
          jobs: int | None = None, share: bool = True,
          checked: CheckReport | None = None) -> BuildReport:
    """Build the sites named in ``which`` into ``out/site`` and ``out/site-public``
    (``out`` defaults to the KB root). Each folder is replaced only when its build succeeded.

    ``languages`` makes a partial build, the preview's first answer to an edit
    (:mod:`kbtools.preview`): only the pages of those languages (and of the default language,
    which every build renders) are rendered, the other languages' folders are carried over
    from the site folder being replaced, unchanged (rendered too when it has none). Until the
    next full build, the pages carried over may be behind, and the root search index lists
    the rendered languages only (the language menus and the sitemap have every language).

    Builds are incremental: an article page whose inputs did not change since the build of
    the site folder being replaced is not rendered again, its file is reused (see
    :mod:`kbtools.sites.pagecache`; the output is the same as a clean build's). ``clean``
    renders every page. What many pages show the same (navigation items, an English article's
    HTML in its fallback copies) is rendered once (:mod:`kbtools.sites.fragments`), and so is
    a public article's body shown by both sites (:mod:`kbtools.sites.exchange`); ``share``
    False renders each page from scratch, with the same output.

    With ``jobs`` above 1 (default: :func:`default_jobs`, 2 with two cores and 2 GB free) the
    sites build at the same time, each after the first in a process of its own that opens the
    same knowledge base (same kinds); the report and the errors are the same as one after the
    other (the first site's error wins), though a later site may then have been built.

    ``checked`` is ``kb check``'s report on this same ``kb`` when the caller already made it
    (the preview does, to show its findings): the build goes by it instead of checking again.

    One build of a knowledge base runs at a time (a lock under its state folder); it first
    removes what killed builds left behind (see :func:`find_leftovers`).

    Raises :class:`ContentError` with the blocking findings (``kb check`` errors in the
    site's pages, public links to internal pages, macro errors with page and line) and
    :class:`SiteBuildError` when MkDocs warns (strict) or fails; :class:`UsageError` for an
    unknown site name; :class:`BusyError` while another build runs; :class:`StateError`
    (the site folder left as it was) when the output or the state folder cannot be written.
    """
    names = tuple(dict.fromkeys(which))
    unknown = [n for n in names if n not in SITES]
    if unknown or not names:
        raise UsageError(f"unknown site {', '.join(unknown) or '(none)'} "
                         f"(expected {' or '.join(SITES)})")
    base = Path(out) if out is not None else kb.root
    targets = {name: base / SITES[name].out for name in names}
    state = kb.config.path(kb.config.state_dir)
    with locks.exclusive(state / LOCK_NAME, f"the sites of {kb.root} are being built"):
        parallel = _parallel(kb, len(names), jobs)
        leftovers = find_leftovers(kb, targets.values())
        spares = {name: take_spare(kb, SITES[name], leftovers) for name in names}
        if not parallel:
            remove(leftovers)
        findings = (checked if checked is not None else check(kb)).findings
        raw = read_raw(kb)
        plans = [(name, targets[name], _rendered(kb, languages, targets[name]), spares[name])
                 for name in names]
        exchange = exchange_dir(kb) if share and len(names) > 1 else None
        try:
            if parallel:
                return BuildReport(_build_in_parallel(kb, raw, findings, plans, clean, share,
                                                      leftovers, exchange))
            return BuildReport(tuple(
                build_site(kb, SITES[name], raw, findings, target, rendered, clean=clean,
                           share=share, keep_old=True, spare=spare, exchange=exchange)
                for name, target, rendered, spare in plans))
        finally:
            if exchange is not None:
                remove([exchange])


PARALLEL_MEMORY = 2 << 30
"""Memory a machine must have available for the default to build both sites at once: a
second process holds its own knowledge base and pages (just under 0.5 GB in all at 3,000
articles, against 0.32 GB one site after the other)."""


def default_jobs(cores: int, available: int | None) -> int:
    """Sites built at once by default: 2 with two cores or more and :data:`PARALLEL_MEMORY`
    available (``available`` None: unknown, taken as enough), else 1."""
    if cores < 2 or (available is not None and available < PARALLEL_MEMORY):
        return 1
    return 2


def _available_memory() -> int | None:
    """Bytes of memory available now (Linux's ``MemAvailable``, which counts the caches it
    can drop), None where the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _parallel(kb: KnowledgeBase, sites: int, jobs: int | None) -> bool:
    """Whether to build ``sites`` at once: asked for (``jobs``), or by default (see
    :func:`default_jobs`); never when another process cannot open the same knowledge base
    (kinds that cannot be sent to it, such as a test's local functions)."""
    if jobs is None:
        jobs = default_jobs(os.cpu_count() or 1, _available_memory())
    if sites < 2 or jobs < 2:
        return False
    try:
        pickle.dumps(kb.kinds)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


def _build_in_parallel(kb: KnowledgeBase, raw: dict, findings: tuple[Finding, ...],
                       plans: list, clean: bool, share: bool, leftovers: list[Path],
                       exchange: Path | None) -> tuple[SiteReport, ...]:
    """The first site built here while the others build in a spawned process (this one may
    have threads, which forking would copy in an unknown state). That process ends once its
    sites are built: idle, it would hold the memory of its builds while this one goes on.

    The first site is the longest to build (the internal one), and the other process has
    time left: it deletes the ``leftovers`` (:func:`find_leftovers`) once its sites are
    built."""
    (first, target, rendered, spare), rest = plans[0], plans[1:]
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_build_site_elsewhere, kb.root, kb.kinds, kb.cache, name, raw,
                               findings, path, languages, clean, share, other_spare,
                               leftovers if n == len(rest) - 1 else [], exchange)
                   for n, (name, path, languages, other_spare) in enumerate(rest)]
        pool.shutdown(wait=False)  # no more work: the process ends after these
        try:
            reports = [build_site(kb, SITES[first], raw, findings, target, rendered,
                                  clean=clean, share=share, keep_old=True, spare=spare,
                                  exchange=exchange)]
        except BaseException:
            # (after shutdown(wait=False) the pool's exit no longer waits) the other sites'
            # builds end before this one's error lets the next build in
            wait(futures)
            raise
        for (name, path, _, _), future in zip(rest, futures, strict=True):
            try:
                reports.append(future.result())
            except BrokenProcessPool:
                raise StateError(f"the {name} site was not built: its build process ended "
                                 f"unexpectedly (out of memory?); {path} is as it was", path) from None
    return tuple(reports)


def _build_site_elsewhere(root: Path, kinds, cache: bool, name: str, raw: dict,
                          findings: tuple[Finding, ...], target: Path,
                          rendered: frozenset[str] | None, clean: bool,
                          share: bool, spare: Path | None,
                          leftovers: list[Path], exchange: Path | None) -> SiteReport:
    """:func:`build_site` in another process, on the knowledge base at ``root`` (whose
    caches it keeps for the next run, as the front-end does in the first process); then
    delete the folders ``leftovers``."""
    logging.getLogger("mkdocs").addHandler(logging.NullHandler())  # the parent reports
    try:
        return _build_and_save(root, kinds, cache, name, raw, findings, target, rendered,
                               clean, share, spare, exchange)
    finally:  # the build's memory let go first
        remove(leftovers)


def _build_and_save(root: Path, kinds, cache: bool, name: str, raw: dict,
                    findings: tuple[Finding, ...], target: Path,
                    rendered: frozenset[str] | None, clean: bool, share: bool,
                    spare: Path | None, exchange: Path | None) -> SiteReport:
    kb = open_kb(root, kinds, cache=cache)
    try:
        return build_site(kb, SITES[name], raw, findings, target, rendered, clean=clean,
                          share=share, keep_old=True, spare=spare, exchange=exchange)
    finally:
        kb.save_caches()


def _rendered(kb: KnowledgeBase, languages: Iterable[str] | None,
              target: Path) -> frozenset[str] | None:
    """The languages a build renders: None (all) unless ``languages`` is given and ``target``
    holds every other language's folder to carry over."""
    if languages is None:
        return None
    rendered = {kb.config.default_language, *languages}
    others = [lang for lang in kb.config.languages if lang not in rendered]
    if not (target / "index.html").is_file() or not all((target / lang).is_dir()
                                                        for lang in others):
        return None
    return frozenset(rendered) if others else None


def build_site(kb: KnowledgeBase, site: Site, raw: dict, findings: tuple[Finding, ...],
               target: Path, rendered: frozenset[str] | None = None, *,
               clean: bool = False, share: bool = True, keep_old: bool = False,
               spare: Path | None = None, exchange: Path | None = None) -> SiteReport:
    """Stage, check and build one site into ``target`` (atomically; the build lock held),
    rendering the pages of the ``rendered`` languages only (None: all; see :func:`build`),
    and only the pages whose inputs changed since ``target`` was built unless ``clean``
    (``share``: see :func:`build`).

    With ``keep_old``, the folder replaced is left under the state folder: the next build of
    the site builds into it (``spare``, see :func:`take_spare` and :mod:`.recycling`)
    instead of making every page's folder again. It is kept whole when most of the new
    site's pages are links to its files (a rebuild: it then takes little room), else only
    its folders are (:func:`~.outputs.strip`: quicker than deleting them, too). Not beside
    ``target`` (a state folder on another file system): a build into another folder would
    never find it there. ``spare`` is deleted when it cannot be used, left as it is when the
    build fails. ``exchange`` is the folder the site builds of one ``kb build`` share bodies
    in (:mod:`.exchange`; None: none)."""
    start = time.perf_counter()
    collector = Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    context = temp = None
    kept = False
    # languages carried over from ``target`` (see :func:`build`): their folders are the
    # target's, put in after the build
    carried = [lang for lang in kb.config.languages
               if rendered is not None and lang not in rendered]
    try:
        temp = output_dir(kb, site, target, spare)
        context = prepare(kb, site, site_name=site_name(raw, site), check_findings=findings,
                          docs_dir=kept_staging_dir(kb, site))
        context.cache = PageCache.open(manifest_path(kb, site.name, target), target,
                                       clean=clean)
        if temp == spare:
            try:
                context.cache.recycle(temp)
            except OSError:  # what it holds cannot be cleared: a new folder
                context.cache.recycled = None
                temp = output_dir(kb, site, target, None)
                remove([spare])
        config = load_site_config(kb, site, raw, docs_dir=context.staged.docs_dir, site_dir=temp,
                                  rendered=rendered)
        context.build_key = build_key(kb, raw, site=site.name, rendered=rendered,
                                      titles=dict(context.staged.titles),
                                      today=context.today.isoformat())
        context.share = share
        if share and exchange is not None:
            context.exchange = Exchange(exchange)
        context.dirty = True  # pages the cache put in place are not read or rendered
        config.plugins[MKDOCS_PLUGIN].use(context)
        with quiet_dirty_notices():
            mkdocs_build(config, dirty=True)
        for lang in carried:  # written anew by every build: never shared with ``target``
            carry(target / lang, temp / lang, f"{lang}/", context.cache.recycled)
        context.cache.finish()
        kept = atomic.replace_dir(temp, target,
                                  keep_old=keep_old and temp.parent == work_dir(kb, site))
        if kept and not (context.skipped and 2 * context.skipped >= len(context.cache.keys)):
            strip(temp)  # the old site's own files: only its folders are worth keeping
        context.cache.save(carried)
    except (MkDocsException, ContentError) as exc:
        if context is None:
            raise
        raise_failure(context, exc, collector.messages)
    except OSError as exc:  # a full disk, a size limit, a read-only folder
        raise StateError.of(exc, target, f"build the {site.name} site into {target}",
                            kept="the folder is as it was") from exc
    finally:
        logger.removeHandler(collector)
        if context is not None and context.cache is not None:
            context.cache.close()
        if context is not None and context.exchange is not None:
            context.exchange.close()
        # after the swap ``temp`` holds the old site; a spare a failed build did not swap is
        # left for the next (which clears it again before use)
        if temp is not None and not kept and temp != spare:
            shutil.rmtree(temp, ignore_errors=True)
    pages, size = _measure(target)
    return SiteReport(site.name, target, pages, round(time.perf_counter() - start, 3), size,
                      tuple(repo_paths(context, m) for m in collector.messages),
                      len(context.cache.reused), context.shared, context.skipped,
                      context.cache.recycled.taken if context.cache.recycled is not None else 0,
                      context.indexed, context.exchanged)


def _measure(folder: Path) -> tuple[int, int]:
    pages = size = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            size += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return pages, size
