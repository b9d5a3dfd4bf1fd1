"""A site's languages: one MkDocs build per language, into one site folder.

The default language is built at the site's root, every other one below its own folder
(``ar/faq/refund/``), each by MkDocs' public ``build()`` on the same configuration: the
first by ``kb build`` (or ``mkdocs build``), the others from that build's ``on_post_build``
(:meth:`Languages.build_others`), as ``dirty`` builds, so the root's files stay. Per
language the ``kb`` plugin asks :class:`Languages` for

- the settings (:meth:`~Languages.configure`): the theme's language, the site name,
  description, copyright and navigation (the language's own, else the file's), Material's
  language menu (``extra.alternate``), and which of the theme's static pages it writes (the
  root's ``404.html`` is the default language's; ``sitemap.xml`` is written once, by
  :mod:`kbtools.sites.sitemap` from :meth:`~Languages.sitemap_entries`, for every language);
- its files (:meth:`~Languages.files`): of the staged pages (a translation is ``page.ru.md``
  beside ``page.md``, see :mod:`.staging`), each page's version in the language, else the
  default language's: written below the language's folder too (a fallback copy), unless
  it is one of the pages written once (``single``: the agent site's articles), which are not
  written again (:attr:`LanguageFiles.elsewhere`: the language's navigation and links lead
  to the default language's page); assets and theme files as they are;
- its navigation (:meth:`~Languages.translate_nav`): a section titled after its index page
  takes its translation's title, then the titles ``nav_translations`` gives; and the
  language's home page;
- each page's language menu (:meth:`~Languages.page_alternates`): the same page in every
  language (a preview that builds some languages carries the others' folders over).

This replaces mkdocs-static-i18n, which did the same from a plugin but monkeypatched MkDocs
(``mkdocs.utils.clean_directory``), took ``dirty`` from ``sys.argv``, and left the last
language's ``404.html`` at the site's root. Its settings keep their shape: ``mkdocs.yml``
lists the languages under the ``kb`` plugin (``languages``: ``locale``, ``name``, ``link``,
``nav_translations``, and ``site_name``, ``site_description``, ``copyright`` or ``nav`` for
that language); an ``i18n`` plugin's ``languages`` are read the same way (see
:func:`kbtools.sites.mkconfig.fit_plugins`).
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote as urlquote
from urllib.parse import urlsplit

from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

from kbtools.memory import release_freed
from kbtools.sites.mklog import quiet_dirty_notices

OVERRIDES = ("site_name", "site_description", "copyright", "nav")
"""The MkDocs settings a language may set for itself."""
KEYS = frozenset({"locale", "name", "link", "nav_translations", *OVERRIDES})
"""What a language's entry may hold (once fitted: :func:`kbtools.sites.mkconfig.fit_languages`)."""
SITEMAP_TEMPLATE = "sitemap.xml"
NOT_FOUND_TEMPLATE = "404.html"
@dataclass(frozen=True)
class Language:
    """One language of the site, as ``mkdocs.yml`` sets it."""

    locale: str
    name: str
    link: str
    """The language's root, an absolute path (``/``, ``/ar/``): Material's language menu."""
    nav_translations: Mapping[str, str] = field(default_factory=dict)
    """Navigation title -> its title in this language."""
    settings: Mapping[str, object] = field(default_factory=dict)
    """The MkDocs settings (:data:`OVERRIDES`) this language sets for itself."""

    @classmethod
    def read(cls, entry: Mapping, default: bool) -> Language:
        """The language of a ``languages`` entry (already checked: :func:`problems`)."""
        locale = str(entry["locale"])
        return cls(locale, str(entry.get("name") or locale),
                   str(entry.get("link") or ("/" if default else f"/{locale}/")),
                   dict(entry.get("nav_translations") or {}),
                   {key: entry[key] for key in OVERRIDES if entry.get(key) is not None})


def problems(entries: Iterable[Mapping]) -> list[str]:
    """What is wrong with ``languages`` entries, each said once (empty: nothing)."""
    found = []
    for entry in entries:
        locale = entry.get("locale")
        if not isinstance(locale, str) or not locale:
            found.append(f"a language without a locale: {dict(entry)!r}")
            continue
        unknown = sorted(set(entry) - KEYS)
        if unknown:
            found.append(f"language {locale}: unknown setting(s) {', '.join(unknown)} "
                         f"(expected {', '.join(sorted(KEYS))})")
        link = entry.get("link")
        if link is not None and not (isinstance(link, str) and link.startswith("/")
                                     and link.endswith("/")):
            found.append(f"language {locale}: link must be an absolute path ending in /, "
                         f"got {link!r}")
        translations = entry.get("nav_translations")
        if translations is not None and not (
                isinstance(translations, dict)
                and all(isinstance(v, str) for v in translations.values())):
            found.append(f"language {locale}: nav_translations must map titles to titles")
    return found


def split_locale(src_uri: str, languages: Iterable[str]) -> tuple[str, str | None]:
    """``faq/a.ru.md`` -> (``faq/a.md``, ``ru``) when ``ru`` is one of ``languages``;
    a file without a language suffix -> (itself, None)."""
    stem, ext = posixpath.splitext(src_uri)
    head, dot, suffix = stem.rpartition(".")
    if dot and "/" not in suffix and suffix in languages:
        return head + ext, suffix
    return src_uri, None


def page_name(norm: str) -> str:
    """MkDocs' name of the page ``norm`` (``faq/a.md``: ``a``; ``README.md``: ``index``)."""
    name = posixpath.splitext(posixpath.basename(norm))[0]
    return "index" if name == "README" else name


def page_dest(norm: str, use_directory_urls: bool) -> str:
    """Where MkDocs writes the page ``norm`` (``faq/a.md``): ``faq/a/index.html``."""
    parent, name = posixpath.dirname(norm), page_name(norm)
    if not use_directory_urls or name == "index":
        return posixpath.join(parent, name + ".html")
    return posixpath.join(parent, name, "index.html")


class LanguageFiles(Files):
    """One language's files: a link to ``page.md`` finds the language's ``page.ru.md`` when
    there is one (the navigation and every page's links name the default language's file),
    else the default language's page, of this build (a fallback copy) or of the default
    language's build (``elsewhere``: source URI -> its file there, not written by this build)."""

    def __init__(self, files: Iterable[File], lang: str,
                 elsewhere: Mapping[str, File] | None = None) -> None:
        super().__init__(list(files))
        self.lang = lang
        self.elsewhere: Mapping[str, File] = elsewhere or {}

    def get_file_from_path(self, path: str) -> File | None:
        uri = PurePosixPath(path).as_posix()
        if uri == ".":
            uri = "index.md"
        stem, ext = posixpath.splitext(uri)
        return self.src_uris.get(f"{stem}.{self.lang}{ext}") or self.src_uris.get(uri) \
            or self.elsewhere.get(uri)


class Languages:
    """The languages of one site build: which one is being built, and what each showed."""

    def __init__(self, languages: tuple[Language, ...], built: Iterable[str], *,
                 single: Container[str] = frozenset()) -> None:
        self.languages = languages
        self.single = single
        """Page sources (without language) written in the default language only: another
        language without a translation of one leads to the default language's page instead
        of writing a fallback copy (see :attr:`kbtools.sites.site.Site.fallback_copies`)."""
        self.default = languages[0].locale
        wanted = set(built)
        self.built = tuple(lang.locale for lang in languages
                           if lang.locale == self.default or lang.locale in wanted)
        self.current = self.default
        self.nested = False
        """Building a language inside the first build (:meth:`build_others`)."""
        self._by_locale = {lang.locale: lang for lang in languages}
        self._codes = tuple(self._by_locale)
        self._original: dict | None = None
        self._pages: dict[str, list[str]] = {}
        """Language (built or carried over) -> its pages' sources without language
        (``faq/a.md``), in the order its build lists them."""
        self._present: dict[str, frozenset[str]] = {}
        """Page source without language -> the languages it has a file in (a file without
        a language suffix is the default language's)."""
        self._urls: dict[str, dict[str, str]] = {}  # page source -> language -> its URL
        self._norms: dict[str, str] | None = None  # default language's page URL -> source
        self._directory_urls = True

    @property
    def language(self) -> Language:
        return self._by_locale[self.current]

    @property
    def prefix(self) -> str:
        return "" if self.current == self.default else f"{self.current}/"

    # -- settings ---------------------------------------------------------------------------
    def configure(self, config) -> None:
        """Set ``config`` for the language being built (the file's values kept for the
        others)."""
        if self._original is None:
            self._original = {key: copy.deepcopy(config.get(key)) for key in OVERRIDES}
            self._original["alternate"] = config.extra.get("alternate")
            self._original["static"] = set(config.theme.static_templates)
        language = self.language
        for key in OVERRIDES:
            config[key] = copy.deepcopy(language.settings.get(key, self._original[key]))
        if "language" in config.theme:
            config.theme["language"] = self.current
        static = self._original["static"] - {SITEMAP_TEMPLATE}
        if self.current != self.default:
            static -= {NOT_FOUND_TEMPLATE}
        config.theme.static_templates.clear()
        config.theme.static_templates.update(static)
        if len(self.languages) > 1:
            config.extra["alternate"] = self._menu(config)

    def restore(self, config=None) -> None:
        """Back to the default language, and the file's theme pages put back in ``config``
        (after the last language, or a failed build)."""
        if self._original is not None and config is not None:
            config.theme.static_templates.clear()
            config.theme.static_templates.update(self._original["static"])
        self.current, self.nested = self.default, False

    def _menu(self, config) -> list[dict]:
        """Material's language menu: each language's root."""
        if self._original["alternate"]:
            return copy.deepcopy(self._original["alternate"])
        base = urlsplit(config.site_url).path.rstrip("/") if config.site_url else ""
        suffix = "" if config.use_directory_urls else "index.html"
        return [{"name": lang.name, "link": f"{base}{lang.link}{suffix}", "lang": lang.locale}
                for lang in self.languages]

    # -- files and navigation ---------------------------------------------------------------
    def files(self, files: Files, config) -> LanguageFiles:
        """The files of the language being built (see the module's description)."""
        lang, default, prefix = self.current, self.default, self.prefix
        docs = posixpath.join(str(config.docs_dir), "")
        chosen: dict[str, File] = {}
        present: dict[str, dict[str, int]] = {}
        theme: list[File] = []
        for position, file in enumerate(files):
            if not (file.abs_src_path or "").startswith(docs):
                theme.append(file)
                continue
            norm, locale = split_locale(file.src_uri, self._codes)
            locale = locale or default
            page = file.is_documentation_page()
            if page:
                present.setdefault(norm, {}).setdefault(locale, position)
            if locale != lang and (locale != default or norm in chosen):
                continue
            if (not prefix and norm == file.src_uri) or (not page and locale == default):
                chosen[norm] = file  # as MkDocs made it: the root's own file
                continue
            dest = page_dest(norm, config.use_directory_urls) if page else \
                posixpath.join(*posixpath.split(file.dest_uri)[:-1],
                               posixpath.basename(norm))
            made = File(file.src_uri, config.docs_dir, config.site_dir,
                        config.use_directory_urls, dest_uri=prefix + dest,
                        inclusion=file.inclusion)
            if page:  # not "a.ru": MkDocs tells index pages by their name
                made.name = page_name(norm)
            chosen[norm] = made
        elsewhere: dict[str, File] = {}
        if prefix and self.single:  # those pages stay in the default language's build
            for norm in [n for n, f in chosen.items() if f.src_uri == n and n in self.single
                         and f.is_documentation_page()]:
                found = chosen.pop(norm)
                elsewhere[norm] = made = File(
                    found.src_uri, config.docs_dir, config.site_dir, config.use_directory_urls,
                    dest_uri=page_dest(norm, config.use_directory_urls),
                    inclusion=found.inclusion)
                made.name = page_name(norm)
        if not self._present:  # the same staged files for every language: once
            self._present = {norm: frozenset(found) for norm, found in present.items()}
            self._pages = _pages_by_language(present, self._codes, self.single)
        self._directory_urls = config.use_directory_urls
        return LanguageFiles([*theme, *chosen.values()], lang, elsewhere)

    def translate_nav(self, nav, titles: Mapping[tuple[str, str], str]) -> None:
        """The language's titles and its home page: a section titled after its index page
        takes the title of that page's translation (``titles``: (page source without
        language, language) -> title), then ``nav_translations`` apply."""
        if self.current != self.default:
            self._localize_sections(nav.items, titles)
        _translate(nav.items, self.language.nav_translations)
        if nav.homepage is None:
            home = f"{self.current}/"
            nav.homepage = next((p for p in nav.pages if p.url in (home, f"/{home}", "")),
                                None)

    def locale_of(self, src_uri: str) -> tuple[str, str]:
        """The page source without language and the language of the staged file
        ``src_uri`` (``faq/a.ru.md``: ``faq/a.md``, ``ru``; ``faq/a.md``: the default)."""
        norm, locale = split_locale(src_uri, self._codes)
        return norm, locale or self.default

    def _localize_sections(self, items, titles: Mapping[tuple[str, str], str]) -> None:
        for item in items:
            if not isinstance(item, Section):
                continue
            first = item.children[0] if item.children else None
            if isinstance(first, Page):
                norm = self.locale_of(first.file.src_uri)[0]
                if item.title == titles.get((norm, self.default)) \
                        and (norm, self.current) in titles:
                    item.title = titles[(norm, self.current)]
            self._localize_sections(item.children, titles)

    # -- what readers see of the other languages --------------------------------------------
    def page_alternates(self, config, page_url: str, norm: str) -> None:
        """Point Material's language menu at this page in each language (its root page keeps
        the languages' roots)."""
        if len(self.languages) < 2:
            return
        config.extra["alternate"] = menu = self._menu(config)
        if PurePosixPath(page_url) in (PurePosixPath("."), PurePosixPath(self.current)):
            return
        for item in menu:
            url = self._url_in(norm, item["lang"])
            if url is not None:
                item["link"] = url

    def led_from(self, norm: str) -> tuple[str, ...]:
        """The languages whose navigation and links lead to the default language's page
        ``norm``: a page written once (:attr:`single`) with no translation into them."""
        if norm not in self.single:
            return ()
        present = self._present.get(norm, frozenset())
        return tuple(code for code in self._codes[1:] if code not in present)

    def reader_url(self, url: str) -> str:
        """Where readers of the language being built find the default language's page at
        ``url`` (relative to the site's root, "" for the home): below the language's folder
        when the page is written there (its translation, or a fallback copy), else the
        default language's own."""
        if self._norms is None:
            self._norms = {_url(page_dest(norm, self._directory_urls), self._directory_urls):
                           norm for norm in self._present}
        norm = self._norms.get(url or "./")
        found = self._url_in(norm, self.current) if norm is not None else None
        return url if found is None else "" if found == "./" else found

    def _url_in(self, norm: str, lang: str) -> str | None:
        """The URL of the page ``norm`` in ``lang`` (None: not written in it)."""
        present = self._present.get(norm, frozenset())
        if lang not in present and (self.default not in present or norm in self.single):
            return None
        prefix = "" if lang == self.default else f"{lang}/"
        return _url(prefix + page_dest(norm, self._directory_urls), self._directory_urls)

    def sitemap_entries(self, only: str | None = None) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        """The site's pages for its sitemap (:mod:`kbtools.sites.sitemap`): each page in
        each language (language ``only``'s, when given; those carried over from the previous build
        too), as its URL and its ``hreflang`` alternates (language code, URL: the page's own
        language first, then the others, alphabetically); URLs relative to the site's root."""
        for lang in self._codes if only is None else (only,):
            others = sorted(code for code in self._codes if code != lang)
            for norm in self._pages.get(lang, ()):  # (known from the first language on)
                found = self._urls.get(norm)
                if found is None:
                    found = self._urls[norm] = {code: url for code in self._codes
                                          if (url := self._url_in(norm, code)) is not None}
                yield found.get(lang), [(code, found[code]) for code in (lang, *others)
                                    if code in found]

    # -- the other languages ----------------------------------------------------------------
    def build_others(self, config, build) -> None:
        """Build every language after the first with ``build`` (MkDocs' ``build``), dirty:
        into the same folder, the first build's files kept; the memory each build freed is
        given back before the next (:mod:`kbtools.memory`)."""
        self.nested = True
        try:
            with quiet_dirty_notices():
                for lang in self.built[1:]:
                    self.current = lang
                    release_freed()  # (the last language's pages)
                    build(config, dirty=True)
        finally:
            self.restore(config)


def _pages_by_language(present: Mapping[str, Mapping[str, int]], languages: tuple[str, ...],
                       single: Container[str] = frozenset()) -> dict[str, list[str]]:
    """Per language, its pages (sources without language), in the order its build lists
    them: where the first of the language's own file and the default language's (for a
    fallback copy: not of a page in ``single``) was met. ``present``: page source without
    language -> language -> where its file was met."""
    default, never = languages[0], float("inf")
    pages = {}
    for lang in languages:
        met = {norm: min(found.get(lang, never), found.get(default, never)
                         if lang == default or norm not in single else never)
               for norm, found in present.items()}
        pages[lang] = sorted((norm for norm, at in met.items() if at != never), key=met.get)
    return pages


def _translate(items, translations: Mapping[str, str]) -> None:
    for item in items:
        if item.title in translations:
            item.title = translations[item.title]
        if getattr(item, "children", None):
            _translate(item.children, translations)


def _url(dest: str, directory_urls: bool) -> str:
    """A page's URL from where it is written (MkDocs' rule)."""
    folder, name = posixpath.split(dest)
    return urlquote((folder or ".") + "/" if directory_urls and name == "index.html" else dest)
