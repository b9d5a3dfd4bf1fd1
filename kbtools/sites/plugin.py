"""The MkDocs adapter: a thin plugin over :mod:`kbtools.sites` (registered as ``kb``).

It decides nothing about content. Per event it asks the library: where the staged docs are
and what the navigation is (``on_config``), localized section titles (``on_nav``), the page
markdown with macros, kind bodies and banners (``on_page_markdown``), the sanitized HTML
(``on_page_content``: an allowlist on the public site, author scripts removed on both; on the
internal site the same pass finds each page's search sections for Material's index, which then
does not parse the page again: :mod:`.search_sections`), and the search index without fallback
copies (``on_post_build``: each language's entries written out as its build ends,
:mod:`.search_output`, then :mod:`.finishing`; on the public site one index per language, which
each language's pages load: ``on_page_context``, and the sitemap without fallback copies:
:mod:`.sitemap`). ``kb build`` hands it a prepared
:class:`~kbtools.sites.context.SiteContext`; a plain ``mkdocs build`` makes one itself.

With the context's page cache (incremental builds, :mod:`.pagecache`), ``on_nav`` keys each
language and puts the previous build's file of every unchanged page into the new site, so
that MkDocs' ``dirty`` build neither reads nor renders it (when the other plugins allow:
:mod:`.skipping`); ``on_page_markdown`` keys each page MkDocs still reads, and one whose key
is unchanged gets an empty text and a blank template, and ``on_post_page`` hands back its
file from the previous build.

What comes out the same on many pages is rendered once (:mod:`.fragments`): the navigation
items off a page's path, per folder (``on_page_context`` hands the theme ``kb_nav``), and an
English article's HTML, which its fallback copies get in ``on_page_content`` (their markdown
is not converted again), and a public article's body, converted by one site's build for both
(:mod:`.exchange`).
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import FileSystemBytecodeCache
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from kbtools.content.macros import MacroError
from kbtools.diagnostics import error
from kbtools.memory import release_freed
from kbtools.sites.catalogs import catalog
from kbtools.sites.context import SiteContext, prepare
from kbtools.sites.exchange import markdown_settings
from kbtools.sites.finishing import write_indexes
from kbtools.sites.fragments import Sharing
from kbtools.sites.languages import Language, Languages
from kbtools.sites.mkconfig import KBConfig, fit_languages
from kbtools.sites.mkpage import ELSEWHERE_STATUS, make_pages, nothing_to_convert
from kbtools.sites.mktheme import ListedTheme, bytecode_cache
from kbtools.sites.navigation import expand_nav
from kbtools.sites.pagecache import CACHED_TEMPLATE, made_from_every_article
from kbtools.sites.pagecontext import PageContexts
from kbtools.sites.pageinfo import describe
from kbtools.sites.pagekeys import digest, language_key, nav_signature
from kbtools.sites.render import joined, render_parts
from kbtools.sites.sanitize import sanitize, sanitize_internal
from kbtools.sites.search_entries import SEARCH_INDEX
from kbtools.sites.search_output import SearchOutput, read_search_index
from kbtools.sites.search_sections import PageIndexer, material_search
from kbtools.sites.site import page_url
from kbtools.sites.skipping import skip_unchanged, skippable

THEME_DIR = Path(__file__).parent / "theme"
ASSETS = ("assets/kb/kb.css", "assets/kb/kb.js")
PUBLIC_EXCLUDED = ("assets/vendor/mermaid/",)
_NO_TOC = get_toc([])
INSTANT = "navigation.instant"


class KBPlugin(BasePlugin[KBConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.context: SiteContext | None = None
        self._languages: Languages | None = None
        """The site's languages: which one is being built (:mod:`.languages`)."""
        self._bytecode_cache: FileSystemBytecodeCache | None = None
        self._contexts: PageContexts | None = None
        """What the theme shows around each page (:mod:`.pagecontext`)."""
        self._language_keys: dict[str, str] = {}
        """Per language, what its pages' cache keys share (:func:`.pagekeys.language_key`)."""
        self._reused: set[str] = set()
        """Output paths of the pages the cache answers (their files come in on_post_page)."""
        self._sharing: Sharing | None = None
        """What pages share (None: every page rendered on its own; see :mod:`.fragments`)."""
        self._skip: bool | None = None
        """Whether pages the cache answers are left out of MkDocs' work (decided once)."""
        self._indexer: PageIndexer | None = None
        """Search sections found while sanitizing (the internal site's; :mod:`.search_sections`)."""
        self._search: SearchOutput | None = None
        """The site's search index, a language at a time (:mod:`.search_output`)."""

    def use(self, context: SiteContext) -> None:
        """Build from ``context`` (prepared by :func:`kbtools.sites.build`)."""
        self.context = context

    # -- configuration ------------------------------------------------------------------
    def on_config(self, config):
        if self.context is None:  # a plain `mkdocs build`: stage the site ourselves
            from kbtools.registry import open_kb

            kb = open_kb(Path(config.config_file_path).parent)
            name = (self.config.public_site_name if self.config.site == "public" else None)
            self.context = prepare(kb, self.config.site, site_name=name or config.site_name)
        staged = self.context.staged
        config.docs_dir = str(staged.docs_dir)
        config.theme = ListedTheme.like(config.theme, str(THEME_DIR))  # (see .mktheme)
        if self._languages is None:  # on_config runs once per language
            entries = fit_languages(self.config.languages, self.context.kb.config.languages)
            self._languages = Languages(
                tuple(Language.read(entry, n == 0) for n, entry in enumerate(entries)),
                self.config.built or self.context.kb.config.languages,
                single=staged.written_once(self.context.kb.kinds))
            self._contexts = PageContexts(self.context, self._languages)
        self._languages.configure(config)  # the language's settings and navigation
        if self._languages.single:  # the mark of pages shown in the default language
            config.extra["status"] = {**(config.extra.get("status") or {}), ELSEWHERE_STATUS:
                                      catalog(self.context.kb, self._languages.current)
                                      .text("nav.elsewhere")}
        titles = {path: title for (path, lang), title in staged.titles.items()
                  if lang == staged.default_language}
        config.nav = expand_nav(config.nav, titles, max_pages=self.config.max_section_pages)
        if ASSETS[0] not in map(str, config.extra_css):
            config.extra_css.append(ASSETS[0])
        if ASSETS[1] not in map(str, config.extra_javascript):
            config.extra_javascript.append(ASSETS[1])
        features = config.theme.get("features") or []
        if not self.context.site.public and INSTANT in features:
            # The agent site is served by `kb serve`, not at site_url, where instant loading
            # would rewrite its links against the wrong address: plain page loads there.
            config.theme["features"] = [f for f in features if f != INSTANT]
        if self.context.site.public and not config.extra.get("scope"):
            # Pages get their language's folder as base URL (on_page_context), which Material
            # would also take as the scope of what it remembers (the colour scheme): keep one
            # scope, the site's root, for every language.
            config.extra["scope"] = urlsplit(config.site_url or "/").path or "/"
        return config

    def on_build_error(self, error):
        if self._languages is not None:
            self._languages.restore()
        if self._search is not None:
            self._search.close()
            self._search = None

    @event_priority(-100)  # after the other plugins: the language's own files
    def on_files(self, files, config):
        # Diagrams are drawn only for playbooks, which the public site never has: keep the
        # 3.5 MB Mermaid bundle out of what customers download.
        if self.context.site.public:
            for file in [f for f in files if f.src_uri.startswith(PUBLIC_EXCLUDED)]:
                files.remove(file)
        files = self._languages.files(files, config)
        # (pages told when there is nothing to convert; the default language's pages this
        # language's navigation leads to, marked)
        staged = self.context.staged
        make_pages(files, config, ((file, staged.titles.get((norm, staged.default_language)))
                                   for norm, file in files.elsewhere.items()))
        return files

    def on_nav(self, nav, config, files):
        staged = self.context.staged
        lang = self._languages.current
        self._languages.translate_nav(nav, staged.titles)
        if self.context.share and self._sharing is None \
                and config.validation.links.anchors < logging.WARNING:
            # (not where MkDocs is to warn about missing anchors: a copy's links are not
            # looked at again)
            self._sharing = Sharing(staged.titles, self.context.kb.config.languages,
                                    staged.default_language, self._languages.single,
                                    self.context.exchange)
        if self._sharing is not None:
            exchanging = self.context.exchange is not None
            self._sharing.start_language((f.url for f in files.documentation_pages()),
                                         markdown_settings(config) if exchanging else None)
        search = material_search(config.plugins)
        self._indexer = PageIndexer(search) if search is not None and self.context.share \
            and not self.context.site.public else None
        cache = self.context.cache
        if cache is not None:
            self._language_keys[lang] = language_key(
                self.context.build_key, lang, ((f.src_uri, f.dest_uri) for f in files),
                nav_signature(nav.items))
            if self._skip is None:
                self._skip = self.context.dirty and bool(cache.previous) \
                    and skippable(config.plugins)
            if self._skip:  # pages the cache answers: not even read by MkDocs
                for page, locale in skip_unchanged(
                        files.documentation_pages(), Path(config.site_dir), cache,
                        staged, self._languages.locale_of,
                        partial(self._key_of, lang=lang, config=config)):
                    if locale != lang:
                        self.context.fallback_urls.add(page.url)
                    self.context.skipped += 1
            # what a recycled output folder still holds at this build's paths is for
            # MkDocs to write (see :mod:`.recycling`)
            cache.vacate(file.dest_uri for file in files)
        return nav

    def _key_of(self, page: Page, article, markdown: str, meta: dict, *, lang: str,
                config) -> str:
        """The key of a page not read yet (see :func:`.skipping.skip_unchanged`)."""
        extras = None
        if article is not None:  # else all the page shows is in its markdown
            banners, body, extras = self._article_parts(page, article, lang, config)
            markdown = joined(banners, body)
        return self._key(page, lang, markdown, extras, meta)

    def on_env(self, env, config, files):
        # Material's templates compile once, not once per language and build.
        if self._bytecode_cache is None:
            self._bytecode_cache = bytecode_cache(self.context.kb)
        env.bytecode_cache = self._bytecode_cache
        return env

    # -- pages --------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, page: Page, config, files):
        context = self.context
        reader_lang = self._languages.current
        norm, locale = self._languages.locale_of(page.file.src_uri)
        if locale != reader_lang:
            context.fallback_urls.add(page.url)  # searchable once, in its own language
            # Material's search skips it too (its entries were dropped after the build)
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        article = context.staged.article_at(page.file.src_uri)
        cache = context.cache
        if cache is not None and made_from_every_article(norm, page.meta, markdown):
            cache.note(page.url, page.file.dest_uri)
            cache = None
        if article is None:  # a generated page: tool output, no macros, all in its markdown
            meta = context.staged.metas.get(page.file.src_uri, page.meta)
            if self._reuse(page, cache, reader_lang, markdown, None, meta) or (
                    self._sharing is not None and self._sharing.markdown(
                        url=page.url, norm=norm, locale=locale, lang=reader_lang,
                        banners="", body=markdown)):
                return nothing_to_convert(page)
            return markdown
        banners, body, extras = self._article_parts(page, article, reader_lang, config)
        self._contexts.keep(page.url, extras)
        if self._reuse(page, cache, reader_lang, joined(banners, body), extras,
                       context.staged.metas[page.file.src_uri]) or (
                self._sharing is not None and self._sharing.markdown(
                    url=page.url, norm=norm, locale=locale, lang=reader_lang,
                    banners=banners, body=body, both_sites=article.is_public)):
            return nothing_to_convert(page)
        return joined(banners, body)

    def _article_parts(self, page: Page, article, lang: str,
                       config) -> tuple[str, str, dict | None]:
        """An article page's banners and body for readers of ``lang`` (see
        :func:`~kbtools.sites.render.render_parts`), and its theme extras on the public site;
        a macro error fails the build with its ``path:line`` finding."""
        context = self.context
        source_href = None
        if article.is_translation:
            source_src = context.staged.src_of(article.source)
            if source_src:
                source_href = get_relative_url(page_url(source_src) or ".", page.url or ".")
        try:
            banners, body = render_parts(
                context.kb, context.staged, article, src_uri=page.file.src_uri,
                reader_lang=lang, today=context.today, source_href=source_href,
                memo=context.texts)
        except MacroError as exc:
            finding = error(exc.path, exc.line, "site.macro", exc.message)
            if finding not in context.failures:
                context.failures.append(finding)
            raise PluginError(finding.format()) from None
        return banners, body, self._contexts.extras(page, lang, config)

    def _key(self, page: Page, lang: str, text: str, extras: dict | None, meta: dict) -> str:
        """The page's cache key (:mod:`.pagecache`): its language's, its paths and URL, its
        front matter ``meta``, its markdown ``text`` and its theme ``extras``."""
        return digest(self._language_keys[lang], page.file.src_uri, page.file.dest_uri,
                      page.url, self._languages.locale_of(page.file.src_uri)[1], meta, text,
                      extras)

    def _reuse(self, page: Page, cache, lang: str, text: str, extras: dict | None,
               meta: dict) -> bool:
        """Whether the previous build's file stands for the page (its key, made from ``text``,
        its markdown, is unchanged; see :mod:`.pagecache`): then it gets an empty markdown and
        a blank template, on_post_page hands back that file, and search skips the page (its
        entries are put back after the build: :meth:`~.pagecache.PageCache.splice`)."""
        if cache is None:
            return False
        if not cache.reuse(page.url, page.file.dest_uri,
                           self._key(page, lang, text, extras, meta)):
            return False
        self._reused.add(page.file.dest_uri)
        page.meta["template"] = CACHED_TEMPLATE
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return True

    def on_page_content(self, html: str, page: Page, config, files):
        if page.file.dest_uri in self._reused:
            return html
        public = self.context.site.public
        clean = sanitize if public else sanitize_internal
        if self._indexer is not None:  # the sanitizer tells search what it writes
            clean = self._indexer.cleaner(page) or clean
        if self._sharing is not None:  # a fallback copy's HTML, an English body kept
            html = self._sharing.content(page, html, clean)
        else:
            html = clean(html)
        if self._indexer is not None:
            self._indexer.sanitized(page)
        if not public:
            return html
        if not page.meta.get("description"):  # no summary: the first paragraph readers see
            page.meta["description"] = describe(html) or None
        return html

    @event_priority(50)  # before Material's search (0), which would parse the page again
    def _index_page(self, context, page: Page, config, nav):
        if self._indexer is not None:
            self.context.indexed += self._indexer.index(page)
        return context

    def _page_context(self, context, page: Page, config, nav):
        if self._sharing is not None:
            context["kb_nav"] = self._sharing.nav_for(page.url)
        self._contexts.update(context, page, config)
        return context

    on_page_context = CombinedEvent(_index_page, _page_context)

    @event_priority(-200)  # the last to see the page
    def on_post_page(self, output: str, page: Page, config):
        # Nothing reads a page's markdown, HTML or table of contents once its file is
        # rendered, while the first language's pages stay alive through the builds of all
        # the others: let them go.
        # (Not to None: a page whose markdown is None has no title, and the pages rendered
        # after it would show "None" in their navigation; every staged page has a title.)
        page.markdown, page.content, page.toc = "", None, _NO_TOC
        dest, cache = page.file.dest_uri, self.context.cache
        if dest in self._reused:
            self._reused.discard(dest)
            if cache.link(dest, Path(config.site_dir)):
                return ""  # the previous file is in place: MkDocs writes nothing
            try:
                return cache.text(dest)
            except ValueError as exc:
                raise PluginError(f"{exc}: build again") from None
        if cache is not None and dest in cache.keys:
            cache.written(dest, output)
        return output

    # -- after the build ----------------------------------------------------------------
    @event_priority(-200)  # after search (0), which wrote this language's index
    def on_post_build(self, config):
        languages, context = self._languages, self.context
        if self._search is None:
            self._search = SearchOutput(
                config.site_dir, context.kb.config.languages, per_language=context.site.public,
                fallback_urls=context.fallback_urls,
                splice=context.cache.splice if context.cache is not None else None)
        try:
            self._search.add(read_search_index(Path(config.site_dir) / SEARCH_INDEX))
        except ValueError as exc:
            raise PluginError(f"cannot write the search index: {exc}") from None
        if languages.nested:  # a language built inside the first build
            return
        languages.build_others(config, mkdocs_build)
        # Every page is written: let what they shared go before the index and sitemaps
        # are rewritten (the build's peak of memory).
        if self._sharing is not None:
            self.context.shared = self._sharing.shared
            self.context.exchanged = self._sharing.exchanged
            self._sharing.release()
        self.context.texts.clear()
        release_freed()
        search, self._search = self._search, None
        try:
            write_indexes(self.context, languages, search, Path(config.site_dir),
                          config.site_url)
        except ValueError as exc:
            raise PluginError(f"cannot rewrite the search index or sitemap: {exc}") from None
