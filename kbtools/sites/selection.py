"""What a site may publish: its articles, the files they use, and what blocks its build.

The public site is filtered here, before MkDocs sees any file: an internal article, a
playbook or an image only internal pages use is never copied into its staging folder, so no
MkDocs feature (search, sitemap, 404, tags) can publish it by accident.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.links import links
from kbtools.content.model import Article
from kbtools.diagnostics import Finding, error, sort_findings
from kbtools.sites.site import Site

# Errors that block the public build wherever they are: a playbook marked public is a
# mistake about what customers may see, even though the playbook itself is never published.
PUBLIC_BLOCKERS = frozenset({"playbook.public"})


@dataclass(frozen=True)
class Selection:
    """The content of one site: pages (sources and translations) and other files."""

    site: Site
    articles: tuple[Article, ...]
    assets: tuple[str, ...]
    """Repo-relative paths of non-markdown files to publish (images, attachments)."""
    findings: tuple[Finding, ...] = ()
    """Problems only this site has (a public page linking to an internal one)."""


def select(kb: KnowledgeBase, site: Site) -> Selection:
    """Choose the articles and files ``site`` publishes. Pure: reads the corpus, writes nothing."""
    roots = tuple(f"{root}/" for root in site.content_roots)
    articles = tuple(
        a for a in kb.corpus.articles
        if a.path.startswith(roots) and (a.is_public or not site.public)
    )
    if not site.public:
        return Selection(site, articles, tuple(_all_assets(kb.root, site.content_roots)))
    assets, findings = _public_references(kb, articles)
    return Selection(site, articles, tuple(sorted(assets)), tuple(sort_findings(findings)))


def blocking_findings(site: Site, selection: Selection,
                      check_findings: Iterable[Finding]) -> list[Finding]:
    """The errors that stop ``site`` from building.

    Blocking: every ``kb check`` error located in one of the site's pages; on the public site
    also any ``playbook.public`` error; and the site's own findings (public links to internal
    pages). Warnings never block, and errors in pages the site does not publish do not block it.
    """
    pages = {a.path for a in selection.articles}
    blocking = [
        f for f in check_findings
        if f.is_error and (f.path in pages or (site.public and f.code in PUBLIC_BLOCKERS))
    ]
    blocking.extend(f for f in selection.findings if f.is_error)
    return sort_findings(set(blocking))


def _all_assets(root: Path, content_roots: tuple[str, ...]) -> list[str]:
    found = []
    for top in content_roots:
        base = root / top
        if not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel = Path(folder).relative_to(root).as_posix()
            found.extend(f"{rel}/{name}" for name in sorted(files)
                         if not name.endswith(".md") and not name.startswith("."))
    return found


def _public_references(kb: KnowledgeBase,
                       articles: tuple[Article, ...]) -> tuple[set[str], list[Finding]]:
    """Files public pages use, and an error for each link from a public page to an internal one."""
    assets: set[str] = set()
    findings: list[Finding] = []
    for article in articles:
        for link in links(article):
            if link.external or link.path is None:
                continue
            if link.path.endswith(".md"):
                target = kb.corpus.get(link.path)
                if target is not None and not target.is_public:
                    findings.append(error(
                        article.path, link.line, "site.public-links-internal",
                        f"public page links to internal page {target.path}; customers cannot "
                        "open it. Remove the link or make the target public"))
            elif link.path.startswith("docs/") and (kb.root / link.path).is_file():
                assets.add(link.path)
    return assets, findings
