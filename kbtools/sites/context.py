"""Everything the MkDocs adapter needs for one site build, prepared before MkDocs runs."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kbtools import clock
from kbtools.content.check import check
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.diagnostics import Finding
from kbtools.errors import ContentError
from kbtools.sites.exchange import Exchange
from kbtools.sites.pagecache import PageCache
from kbtools.sites.selection import blocking_findings, select
from kbtools.sites.site import SITES, Site
from kbtools.sites.staging import StagedSite, stage


@dataclass
class SiteContext:
    """One site being built: the knowledge base, the staged files, today's date, and the
    problems met while MkDocs renders pages (macro errors), for the use case to report."""

    kb: KnowledgeBase
    site: Site
    staged: StagedSite
    today: date
    failures: list[Finding] = field(default_factory=list)
    fallback_urls: set[str] = field(default_factory=set)
    """URLs of pages shown in the default language under another language (``ru/guide/b/``)."""
    modified: dict[str, str] = field(default_factory=dict)
    """Per page URL, the day (ISO) its article last changed in git: the sitemap's lastmod."""
    cache: PageCache | None = None
    """The previous build's pages, for an incremental build (None: render every page)."""
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    """(article path, page source) -> the page's text after macros, the same in every
    language the page is shown in (:func:`~kbtools.sites.render.render_parts`)."""
    build_key: str = ""
    """What every page's cache key shares (:func:`~kbtools.sites.pagekeys.build_key`)."""
    share: bool = True
    """Render what many pages show the same once (:mod:`~kbtools.sites.fragments`); False
    renders each page from scratch, the reference the shared output is tested against."""
    shared: int = 0
    """Fallback copies made from their English page's HTML (their markdown not converted)."""
    exchange: Exchange | None = None
    """Where the two sites' builds of one ``kb build`` leave each other the public articles'
    bodies (:mod:`.exchange`; None: one site built, or no sharing)."""
    exchanged: int = 0
    """Pages whose body the other site's build converted (:mod:`.exchange`)."""
    indexed: int = 0
    """Pages whose search entries came from the sanitizer's pass (:mod:`.search_sections`)."""
    dirty: bool = False
    """MkDocs builds every language ``dirty``: a page whose file is already in the new site
    (put there by the ``kb`` plugin, from the cache) is neither read nor rendered."""
    skipped: int = 0
    """Pages left out of MkDocs' work that way."""


def staging_dir(kb: KnowledgeBase, site: Site) -> Path:
    """A new, empty staging folder ``<state_dir>/build/<site>/docs-XXXX`` (git-ignored).

    One per build, so two builds of the same KB at once (a test and an editor's preview) never
    share files; :func:`kbtools.sites.build` removes it when the build ends.
    """
    parent = kb.config.path(kb.config.state_dir) / "build" / site.name
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="docs-", dir=parent))


def kept_staging_dir(kb: KnowledgeBase, site: Site) -> Path:
    """``<state_dir>/cache/staged/<site>``: the staging folder ``kb build`` keeps from one
    build to the next (with the build lock held, no other build uses it), so that a rebuild
    writes only the staged files that changed (see :func:`~kbtools.sites.staging.stage`)."""
    return kb.config.path(kb.config.state_dir) / "cache" / "staged" / site.name


def prepare(kb: KnowledgeBase, site: Site | str, *, site_name: str,
            check_findings: tuple[Finding, ...] | None = None,
            docs_dir: Path | None = None) -> SiteContext:
    """Check that ``site`` may be built, then stage its files into ``docs_dir`` (default:
    a new folder, :func:`staging_dir`).

    Raises :class:`ContentError` (with the findings) when ``kb check`` errors concern the
    site's pages or the public site would link to internal pages (see
    :func:`~kbtools.sites.selection.blocking_findings`).
    """
    site = SITES[site] if isinstance(site, str) else site
    selection = select(kb, site)
    if check_findings is None:
        check_findings = check(kb).findings
    blocking = blocking_findings(site, selection, check_findings)
    if blocking:
        raise ContentError(
            f"the {site.name} site was not built: {len(blocking)} error(s) in its pages "
            "(fix them, then build again)", blocking)
    staged = stage(kb, selection, docs_dir or staging_dir(kb, site), site_name)
    return SiteContext(kb, site, staged, clock.today())
