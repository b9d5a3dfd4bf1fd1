"""Write a site's staging folder: only the files the site may publish, as MkDocs reads them.

Pages get a minimal front matter (title and tags; never owner, reviewer or pins), translations
are laid out with the language suffix MkDocs' i18n plugin expects (``page.ru.md``) whatever the
knowledge base's layout, assets are hard-linked (copied across file systems), and pages the
tooling generates (other features' pages, section indexes, a public home) are added.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nh3
import yaml

import kbtools.sites.helpcenter as helpcenter
import kbtools.sites.indexes as indexes
from kbtools.content.files import own_file_problem
from kbtools.content.kinds import Registry
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.errors import ContentError
from kbtools.sites.catalogs import catalog
from kbtools.sites.selection import Selection
from kbtools.sites.site import Site, site_path


@dataclass(frozen=True)
class StagedSite:
    """A staged docs folder and what the adapter needs to know about its pages."""

    site: Site
    docs_dir: Path
    languages: tuple[str, ...]
    articles: Mapping[str, Article] = field(default_factory=dict)
    """Site source path (``faq/a.ru.md``) -> the article staged there."""
    titles: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(default-language source path, language) -> page title, for every staged page."""
    metas: Mapping[str, dict] = field(default_factory=dict)
    """Site source path -> the page's front matter as staged (what MkDocs reads), for
    every staged page."""
    generated: Mapping[str, str] = field(default_factory=dict)
    """Site source path of a page the tooling made (not an article) -> its markdown."""

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def article_at(self, src_uri: str) -> Article | None:
        return self.articles.get(src_uri)

    def written_once(self, kinds: Registry) -> frozenset[str]:
        """The pages (site source paths) the site writes in the default language only, to
        which the other languages lead when they have no translation (none on a site with
        fallback copies: :attr:`~kbtools.sites.site.Site.fallback_copies`): its articles,
        but the home (each language's root is its own) and those whose body the kind writes
        in the reader's language (an onboarding path's steps and progress)."""
        if self.site.fallback_copies:
            return frozenset()
        return frozenset(src for src, article in self.articles.items()
                         if article.lang == self.default_language and src != "index.md"
                         and kinds.same_for_every_reader(article))

    def src_of(self, repo_path: str) -> str | None:
        """Site source path of the repo file ``repo_path`` if the site publishes it."""
        return self._src_by_repo.get(repo_path)

    @property
    def _src_by_repo(self) -> dict[str, str]:
        cache = self.__dict__.get("_by_repo_cache")
        if cache is None:
            cache = {a.path: src for src, a in self.articles.items()}
            object.__setattr__(self, "_by_repo_cache", cache)
        return cache


def staged_src(article: Article, default_language: str) -> str:
    """Where ``article`` goes in the staging folder (suffix layout for translations)."""
    if not article.is_translation:
        return site_path(article.path)
    return f"{site_path(article.source)[: -len('.md')]}.{article.lang}.md"


def stage(kb: KnowledgeBase, selection: Selection, docs_dir: Path,
          site_name: str) -> StagedSite:
    """Make the folder ``docs_dir`` hold ``selection`` and nothing else; return the staged
    site. A folder an earlier staging filled is updated in place (see :class:`_Folder`): a
    file whose bytes are already there keeps its time, and a rebuild writes only what
    changed.

    Raises :class:`ContentError` (and removes ``docs_dir``) when an asset is not the
    repository's own regular file (see :func:`kbtools.content.files.own_file_problem`)."""
    site = selection.site
    languages = kb.config.languages
    folder = _Folder(docs_dir)
    articles: dict[str, Article] = {}
    titles: dict[tuple[str, str], str] = {}
    for article in selection.articles:
        src = staged_src(article, languages[0])
        articles[src] = article
        meta = article_meta(article, public=site.public)
        norm = site_path(article.source) if article.is_translation else src
        titles[(norm, article.lang)] = meta["title"]
        folder.page(src, meta, article.body, generated=False)
    try:
        for asset in selection.assets:
            folder.link(kb.root, asset, site_path(asset))
    except ContentError:
        shutil.rmtree(docs_dir, ignore_errors=True)
        raise
    for page in kb.kinds.generated_pages(kb, public=site.public):
        if site.public and page.audience != "public":
            continue
        title = _plain(page.title) if site.public else page.title
        lang = page.lang or languages[0]
        titles[(page.path, lang)] = title
        src = page.path if lang == languages[0] else f"{page.path[: -len('.md')]}.{lang}.md"
        folder.page(src, _meta(title), page.markdown)
    for page in indexes.section_indexes(titles, languages, site_name, public=site.public):
        titles[(page.norm, page.lang)] = page.title
        folder.page(page.src, _meta(page.title), page.markdown)
    if site.public:
        _write_help_center(kb, selection, folder, titles, home="index.md" not in articles)
    folder.finish()
    return StagedSite(site, docs_dir, languages, articles, titles, folder.metas,
                      folder.generated)


def article_meta(article: Article, *, public: bool) -> dict:
    """The front matter ``article`` is staged with: its title (without markup on the public
    site), tags and (public) description; nothing else (never owner, reviewer or pins)."""
    summary = description(article) if public else None
    return _meta(_plain(article.title) if public else article.title, article.tags,
                 {"description": summary} if summary else None)


def _meta(title: str, tags: tuple[str, ...] = (), extra: dict | None = None) -> dict:
    meta: dict = {"title": title}
    if tags:
        meta["tags"] = list(tags)
    meta.update(extra or {})
    return meta


def description(article: Article) -> str | None:
    """The page's description: its ``summary`` (or ``description``) front matter, if any
    (else the adapter takes the page's first paragraph, :func:`~kbtools.sites.pageinfo.
    describe`)."""
    texts = dict(article.texts)
    text = texts.get("summary") or texts.get("description")
    return " ".join(text.split()) if text else None


HOME_TEMPLATE = "kb-home.html"
"""The theme template that renders :func:`kbtools.sites.helpcenter.home`."""


def _write_help_center(kb: KnowledgeBase, selection: Selection, folder: _Folder,
                       titles: dict[tuple[str, str], str], *, home: bool) -> None:
    """The public home in every language (the help center), unless the knowledge base
    publishes its own (``home`` False), and the topic and tag pages (not in the navigation:
    reached from the home and from articles' tags)."""
    languages = kb.config.languages
    for lang in languages if home else ():
        name = catalog(kb, lang).text("site.name")
        titles[("index.md", lang)] = name
        src = "index.md" if lang == languages[0] else f"index.{lang}.md"
        folder.page(src, _meta(name, extra={"template": HOME_TEMPLATE,
                                             "hide": ["navigation", "toc"]}), "")
    for page in helpcenter.topic_pages(kb, selection.articles, languages):
        folder.page(page.src, _meta(page.title), page.markdown)


def _plain(title: str) -> str:
    """A title with no markup at all (public titles reach <title>, the nav and search)."""
    return nh3.clean(title, tags=set()).replace("&amp;", "&")


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's safe emitter where PyYAML has it (six times faster), else PyYAML's own."""


def front_matter(meta: dict) -> str:
    """A staged page's front matter, ``meta`` as YAML (without the ``---`` lines)."""
    return yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)


class _Folder:
    """A staging folder, filled in place.

    What is there when it is opened is listed first, and anything but a regular file or a
    folder (a symbolic link, a pipe) is removed then: nothing in it is ever followed. A page
    whose bytes are already there, or an asset already linked to its file, is left as it is
    (with its time); anything else is written anew (never into the file that is there, which
    may be a link to a repository file); :meth:`finish` removes what this staging did not
    put there, and the folders left empty."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.found: dict[str, os.stat_result] = {}
        self.kept: set[str] = set()
        self.metas: dict[str, dict] = {}
        """Staged path -> front matter, of every page staged."""
        self.generated: dict[str, str] = {}
        """Staged path -> markdown, of every page staged that is not an article's."""
        for dirpath, dirnames, filenames in os.walk(root):  # links to folders not entered
            for name in (*dirnames, *filenames):
                path = os.path.join(dirpath, name)
                status = os.lstat(path)
                if stat.S_ISREG(status.st_mode):
                    self.found[os.path.relpath(path, root).replace(os.sep, "/")] = status
                elif not stat.S_ISDIR(status.st_mode):
                    os.unlink(path)
            dirnames[:] = [d for d in dirnames if os.path.isdir(os.path.join(dirpath, d))]

    def page(self, relative: str, meta: dict, body: str, *, generated: bool = True) -> None:
        """Stage a page: its front matter ``meta`` (:func:`front_matter`) and ``body`` (an
        article's when not ``generated``)."""
        self.metas[relative] = meta
        if generated:
            self.generated[relative] = body
        else:
            self.generated.pop(relative, None)
        data = f"---\n{front_matter(meta)}---\n{body}".encode()
        there, path = self._take(relative)
        if there is not None and there.st_size == len(data) and there.st_nlink == 1 \
                and _read(path) == data:
            return
        if there is not None:
            path.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as file:
            file.write(data)

    def link(self, root: Path, asset: str, relative: str) -> None:
        """Stage the repository's file ``asset`` at ``relative`` (see :func:`_link`)."""
        there, path = self._take(relative)
        if there is not None:
            try:
                source = os.lstat(root / asset)
            except OSError:
                source = None
            if source is not None and (source.st_dev, source.st_ino) == (
                    there.st_dev, there.st_ino) and own_file_problem(root, asset) is None:
                return
            path.unlink(missing_ok=True)
        _link(root, asset, path)

    def _take(self, relative: str) -> tuple[os.stat_result | None, Path]:
        """Claim ``relative`` for this staging: the status of the file found there when the
        folder was opened (None: none; and a path staged twice takes the last one staged,
        so what the first one wrote is removed here)."""
        path = self.root / relative
        if relative in self.kept:
            path.unlink(missing_ok=True)
            return None, path
        self.kept.add(relative)
        return self.found.get(relative), path

    def finish(self) -> None:
        """Remove the files this staging did not put there, then the folders left empty."""
        emptied: set[str] = set()
        for relative in self.found.keys() - self.kept:
            (self.root / relative).unlink(missing_ok=True)
            folder = posixpath.dirname(relative)
            while folder:  # each folder above it, deepest first
                emptied.add(folder)
                folder = posixpath.dirname(folder)
        for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
            with contextlib.suppress(OSError):  # not empty: something in it is kept
                os.rmdir(self.root / folder)


def _read(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _link(root: Path, relative: str, target: Path) -> None:
    """Put the repository's own regular file ``relative`` at ``target``: hard-linked, else
    copied. Checked first, never following a link: a symbolic link (or a path through a
    symlinked folder) raises :class:`ContentError`, so nothing outside ``root`` is published."""
    problem = own_file_problem(root, relative)
    if problem is not None:
        raise ContentError(f"{relative} was not published: it is not the repository's own "
                           "regular file", [problem])
    source = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # another file system: copy, refusing a link swapped in meanwhile
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(source, flags), "rb") as src, open(target, "xb") as dst:
            shutil.copyfileobj(src, dst)
