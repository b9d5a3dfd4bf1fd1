"""Pages a rebuild leaves out of MkDocs' work altogether.

A page the cache answers (:mod:`.pagecache`) still costs MkDocs a read of its file, its
front matter, the kb plugin's events and a blank template, in every language: most of a
rebuild after an edit. MkDocs' ``dirty`` builds skip a page whose file is already in the site
and no older than its source (``File.is_modified()``), without reading it. So before MkDocs
reads any page of a language (the kb plugin's ``on_nav``), :func:`skip_unchanged` puts the
previous build's file of every page whose key is unchanged into the new site, and kb builds
``dirty`` (:func:`kbtools.sites.builder.build_site`).

That is only the same site when nothing else needed to read those pages (:func:`skippable`):
the search plugin's entries are put back from the cache as for any reused page, and a page
left out gets what the navigation of the others reads from it (its front matter, its
title).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from kbtools.content.model import Article
from kbtools.sites.pagecache import PageCache, made_from_every_article
from kbtools.sites.staging import StagedSite

SKIP_SAFE = frozenset({"kb", "search", "material/search", "tags", "material/tags"})
"""The plugins that keep nothing from a page a build skips: kb's own, the search plugin (kb
puts the skipped pages' entries back, :meth:`~.pagecache.PageCache.splice`) and Material's
tags plugin without what it makes from every page it reads (see :func:`skippable`)."""

KeyOf = Callable[[Page, Article | None, str, dict], str]
"""(page, its article or None, its staged markdown, its front matter) -> its cache key."""


def skippable(plugins) -> bool:
    """Whether a build may leave the pages the cache answers out of MkDocs' work and write
    the same site: every plugin of ``plugins`` (MkDocs' ``config.plugins``) is one of
    :data:`SKIP_SAFE`, and the tags plugin, if enabled, neither exports ``tags.json`` nor
    makes tag listings (both are made from the pages it reads)."""
    for name, plugin in plugins.items():
        if name not in SKIP_SAFE:
            return False
        if name.endswith("tags"):
            options = plugin.config
            if options.get("enabled", True) and any(
                    options.get(o) for o in ("export", "listings", "tags_file",
                                             "tags_extra_files")):
                return False
    return True


def skip_unchanged(files: Iterable[File], site_dir: Path, cache: PageCache,
                   staged: StagedSite, locale_of: Callable[[str], tuple[str, str]],
                   key_of: KeyOf) -> Iterator[tuple[Page, str]]:
    """Put into ``site_dir`` (the new site) the previous build's file of every page of
    ``files`` (one language's, before MkDocs reads them) whose key is unchanged and which
    MkDocs will then take as unmodified; yield each such page with its language (the
    others are left to MkDocs, and to the cache's usual way: see :mod:`.pagecache`).

    A page is put in place as soon as its key is known, in this thread: with threads doing
    the file work beside the keys, each time this thread let go of the interpreter (hashing a
    page, reading a compiled macro, a file's status) it waited for them to give it back, and
    a rebuild at 1,000 articles was no faster (four threads: slower). Every page is placed
    (:meth:`~.pagecache.PageCache.place`), in build order."""
    for file in files:
        page, dest = file.page, file.dest_uri
        cache.place(page.url, dest)  # its place in the search index
        article = staged.article_at(file.src_uri)
        norm, locale = locale_of(file.src_uri)
        meta = staged.metas.get(file.src_uri)
        markdown = article.body if article is not None else staged.generated.get(file.src_uri)
        if meta is None or markdown is None or "\r" in markdown \
                or made_from_every_article(norm, meta, markdown):
            continue  # (MkDocs reads "\r" as a line end: what it reads is not this)
        if cache.reuse(page.url, dest, key_of(page, article, markdown, meta)) \
                and _put_in_place(file, cache, site_dir):
            page.meta = dict(meta)
            if page.title is None:  # (one given by the navigation stays)
                page.title = meta["title"]
            yield page, locale


def _put_in_place(file: File, cache: PageCache, site_dir: Path) -> bool:
    """Put the previous file of the reused page ``file`` into ``site_dir`` so that MkDocs
    takes it as unmodified: a hard link, or a copy written now when the staged source is
    newer than the previous file (a change the key does not see, such as a comment on a
    public page); False when neither works (the page is then left to MkDocs)."""
    dest = file.dest_uri
    if not cache.link(dest, site_dir):
        return False
    if not file.is_modified():
        return True
    (site_dir / dest).unlink()
    if cache.copy(dest, site_dir) and not file.is_modified():
        return True
    (site_dir / dest).unlink(missing_ok=True)
    return False
