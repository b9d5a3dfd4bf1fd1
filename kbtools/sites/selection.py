"""What a site may publish: its articles, the files they use, and what blocks its build.

The public site is filtered here, before MkDocs sees any file: an internal article, a
playbook or an image only internal pages use is never copied into its staging folder, so no
MkDocs feature (search, sitemap, 404, tags) can publish it by accident.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from kbtools.content.files import REFUSED, Tree, scan_tree
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.links import links
from kbtools.content.model import Article
from kbtools.diagnostics import Finding, error, sort_findings
from kbtools.sites.site import PUBLIC, SITES, Site, page_url, site_path

# Errors that block the public build wherever they are: a playbook marked public is a
# mistake about what customers may see, even though the playbook itself is never published.
PUBLIC_BLOCKERS = frozenset({"playbook.public"})
# Errors that block every build wherever they are: a symbolic link out of the knowledge base
# (its target could be published) or in a loop.
SITE_BLOCKERS = REFUSED


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
    """Choose the articles and files ``site`` publishes. Pure: reads the corpus, writes nothing.

    Files are the repository's own regular files (one walk, the loader's: no symbolic link is
    followed, see :mod:`kbtools.content.files`).
    """
    roots = tuple(f"{root}/" for root in site.content_roots)
    articles = tuple(
        a for a in kb.corpus.articles
        if a.path.startswith(roots) and (a.is_public or not site.public)
    )
    tree = scan_tree(kb.root, site.content_roots)
    if not site.public:
        return Selection(site, articles, tuple(f for f in tree.files if not f.endswith(".md")))
    assets, findings = _public_references(kb, articles, tree)
    return Selection(site, articles, tuple(sorted(assets)), tuple(sort_findings(findings)))


def public_link_findings(kb: KnowledgeBase) -> tuple[Finding, ...]:
    """``kb check``'s view of the public site: each link from a public page to a page it does
    not publish (the public build refuses them)."""
    return select(kb, SITES[PUBLIC]).findings


PUBLIC_ONLY = frozenset({"site.public-links-internal"})
"""Errors that only the public site cares about (the internal site publishes both pages)."""


def blocking_findings(site: Site, selection: Selection,
                      check_findings: Iterable[Finding]) -> list[Finding]:
    """The errors that stop ``site`` from building.

    Blocking: every ``kb check`` error located in one of the site's pages; a symbolic link
    out of the knowledge base or in a loop, wherever it is (``file.symlink-outside``,
    ``file.symlink-loop``); on the public site also any ``playbook.public`` error; and the
    site's own findings (public links to internal pages). Warnings never block, and errors in
    pages the site does not publish do not block it.
    """
    pages = {a.path for a in selection.articles}
    blocking = [
        f for f in check_findings
        if f.is_error and (site.public or f.code not in PUBLIC_ONLY)
        and (f.path in pages or f.code in SITE_BLOCKERS
             or (site.public and f.code in PUBLIC_BLOCKERS))
    ]
    blocking.extend(f for f in selection.findings if f.is_error)
    return sort_findings(set(blocking))


def _public_references(kb: KnowledgeBase, articles: tuple[Article, ...],
                       tree: Tree) -> tuple[set[str], list[Finding]]:
    """Files public pages use, and an error for each link from a public page to a page (or a
    section) the public site does not publish, whatever form the link takes."""
    published = {a.path for a in articles}
    languages = frozenset(kb.config.languages[1:])
    files = frozenset(tree.files)  # asked once per link
    assets: set[str] = set()
    findings: list[Finding] = []
    for article in articles:
        page = _page_folder(article, kb.config.default_language)
        for link in links(article, kb.bodies):  # outlines read once, kept between runs
            if link.external or link.path is None:
                continue
            path = unquote(link.path)
            if path in files and not path.endswith(".md"):
                if path.startswith("docs/"):
                    assets.add(path)
                continue
            for candidate in _candidates(path, link.target, page):
                problem = _unpublished(kb, candidate, published, tree.folders, languages)
                if problem:
                    findings.append(error(article.path, link.line,
                                          "site.public-links-internal", problem))
                    break
    return assets, findings


def _page_folder(article: Article, default_language: str) -> str:
    """The URL folder a browser resolves ``article``'s relative links from (``/faq/a/``)."""
    url = page_url(site_path(article.source or article.path))
    prefix = "" if article.lang == default_language else f"{article.lang}/"
    return f"/{prefix}{url}"


def _candidates(path: str, target: str, page: str) -> list[str]:
    """Repo paths a link may name: ``path`` (resolved from the file's folder, as MkDocs does
    for ``.md`` links) and, for another relative URL, the path a browser reaches from the
    page's URL (``../../guide/b/`` from ``/faq/a/``)."""
    found = [path]
    written = unquote(target.partition("#")[0].split("?")[0])
    if written.startswith("/") or written.endswith(".md"):
        return found
    browsed = "docs" + posixpath.normpath(posixpath.join(page, written))
    if browsed != path and not browsed.startswith("docs/.."):
        found.append(browsed)
    return found


_PAGE_SUFFIXES = ("/index.html", "/index.htm", ".html", ".htm", "/")


def _unpublished(kb: KnowledgeBase, path: str, published: set[str], folders: frozenset[str],
                 languages: frozenset[str]) -> str | None:
    """Why the public site cannot show what repo path ``path`` names (a page by its file,
    its directory URL or its ``.html`` file, in any language; or a section), else None."""
    if path.endswith(".md"):  # a file link: that very page
        target = kb.corpus.get(path)
        return _internal(target.path) if target and target.path not in published else None
    for suffix in _PAGE_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    head, _, rest = path.partition("/")
    first, _, tail = rest.partition("/")
    if head == "docs" and first in languages and tail:  # /ru/guide/b/: the page, in Russian
        path = f"docs/{tail}"
    elif head == "docs" and first == "playbooks":  # the site's playbooks section
        path = rest
    target = kb.corpus.get(f"{path}.md")
    if target is not None:
        return _internal(target.path) if target.path not in published else None
    if path == "docs":  # the home page: the public site always has one
        return None
    if path == "playbooks" or (path in folders and not any(
            p.startswith(f"{path}/") for p in published)):
        return (f"public page links to {path}/, a section without any public page; customers "
                "would find nothing there. Remove the link or publish a page in it")
    return None  # a section with public pages (its index lists them), or nothing at all


def _internal(path: str) -> str:
    return (f"public page links to internal page {path}; customers cannot open it. Remove "
            "the link or make the target public")
