"""The public site's help-center home, one per language, computed from the content model.

- a search box (the theme's ``kb-home.html`` opens Material's search with the query);
- categories: the ``categories`` front matter of a folder's index page (``docs/faq/index.md``),
  in the order listed, each with an icon, the tags whose articles it gathers, and a title and
  one-line description from the catalogs (``categories.<key>.title``/``.description``); each
  shows how many articles it has and links to its topic page;
- promoted answers (``promoted: true``), then the answers opened most from search when the
  query log exists (:mod:`kbtools.search.querylog`);
- a contact block from the shared facts (``support``: hours in the reader's language, the time
  zone, e-mail and phone).

Collecting only: :func:`home` returns a :class:`Home` the theme renders; :func:`topic_pages`
returns the markdown of the category and tag pages the staging writes.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from babel.core import UnknownLocaleError
from babel.dates import get_timezone_location

from kbtools.content import frontmatter
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.diagnostics import Finding, error, warning
from kbtools.sites.catalogs import Catalog, catalog
from kbtools.sites.site import page_url, site_path

TOPICS = "topics"
"""Folder of the generated category pages (``topics/<key>/``)."""
TAGS = "tags"
"""Folder of the generated tag pages (``tags/<tag>/``)."""
MAX_LISTED = 6
"""Promoted and popular answers shown on the home, at most."""


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str
    """Relative to the language's root (``faq/refund-policy/``)."""


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    title: str
    description: str
    icon: str | None
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class CategorySpec:
    """One entry of an index page's ``categories`` front matter."""

    key: str
    folder: str
    """The site folder whose articles it gathers (``faq``)."""
    tags: tuple[str, ...]
    icon: str | None = None


@dataclass(frozen=True)
class Home:
    lang: str
    categories: tuple[Category, ...]
    promoted: tuple[Link, ...]
    popular: tuple[Link, ...]
    contact: Mapping[str, str]
    strings: Mapping[str, str] = field(default_factory=dict)
    """The ``home.*`` strings of the reader's catalog."""


def category_specs(kb: KnowledgeBase) -> tuple[CategorySpec, ...]:
    """The categories declared in index pages' front matter (source language, public), in
    file order; entries without a ``key`` are skipped."""
    found: list[CategorySpec] = []
    for article in kb.corpus.articles:
        if article.is_translation or article.name != "index" or not article.is_public \
                or "categories" not in article.lines:
            continue
        parsed = frontmatter.parse((kb.root / article.path).read_text(encoding="utf-8"))
        entries = parsed.meta.data.get("categories") if isinstance(parsed.meta.data, dict) else None
        folder = posixpath.dirname(site_path(article.path))
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                tags = entry.get("tags") or []
                found.append(CategorySpec(
                    entry["key"], folder, tuple(str(t) for t in tags if isinstance(t, str)),
                    str(entry["icon"]) if entry.get("icon") else None))
    return tuple(found)


def category_findings(kb: KnowledgeBase) -> Iterator[Finding]:
    """``kb check``: ``categories`` entries the home cannot use (not a mapping, no ``key``,
    ``tags`` not a list), and categories without a title in the default language's catalog,
    each at its line."""
    for article in kb.corpus.articles:
        if article.is_translation or "categories" not in article.lines:
            continue
        parsed = frontmatter.parse((kb.root / article.path).read_text(encoding="utf-8"))
        data = parsed.meta.data if isinstance(parsed.meta.data, dict) else {}
        entries = data.get("categories")
        where = article.line_of("categories")
        if not isinstance(entries, list):
            yield error(article.path, where, "site.categories",
                        f"categories must be a list of {{key, icon, tags}}, got {entries!r}")
            continue
        text = catalog(kb, kb.config.default_language)
        for number, entry in enumerate(entries):
            line = article.line_of(f"categories.{number}")
            if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) \
                    or not isinstance(entry.get("tags") or [], list):
                yield error(article.path, line, "site.categories",
                            f"a category needs a key and a list of tags, got {entry!r}")
            elif text.get(f"categories.{entry['key']}.title") is None:
                yield warning(article.path, line, "site.categories",
                              f"category {entry['key']!r} has no title: add categories."
                              f"{entry['key']}.title to the catalogs")


def category_of(article: Article, specs: Iterable[CategorySpec]) -> CategorySpec | None:
    """The first category (in declared order) of ``article``'s folder sharing one of its tags."""
    folder = posixpath.dirname(site_path(article.source or article.path))
    for spec in specs:
        if (folder == spec.folder or folder.startswith(spec.folder + "/")) \
                and set(spec.tags) & set(article.tags):
            return spec
    return None


def _sources(articles: Iterable[Article]) -> list[Article]:
    return sorted((a for a in articles if not a.is_translation and a.name != "index"),
                  key=lambda a: a.path)


def _titles(articles: Iterable[Article], lang: str) -> dict[str, str]:
    """Source path -> the title in ``lang`` (the source's title where not translated)."""
    titles = {a.path: a.title for a in articles if not a.is_translation}
    titles.update({a.source: a.title for a in articles if a.is_translation and a.lang == lang})
    return titles


def _link(article: Article, titles: Mapping[str, str]) -> Link:
    return Link(titles.get(article.path, article.title), page_url(site_path(article.path)))


def home(kb: KnowledgeBase, articles: Iterable[Article], lang: str, *,
         popular_limit: int = MAX_LISTED) -> Home:
    """The home of readers of ``lang`` over the published ``articles`` (every language)."""
    articles = list(articles)
    text = catalog(kb, lang)
    titles = _titles(articles, lang)
    sources = _sources(articles)
    specs = category_specs(kb)
    counts = Counter(spec.key for spec in (category_of(a, specs) for a in sources) if spec)
    categories = tuple(
        Category(spec.key, text.text(f"categories.{spec.key}.title"),
                 text.get(f"categories.{spec.key}.description") or "", spec.icon,
                 counts[spec.key], f"{TOPICS}/{spec.key}/")
        for spec in specs)
    promoted = tuple(_link(a, titles) for a in sources if a.promoted)[:MAX_LISTED]
    shown = {link.url for link in promoted}
    popular = tuple(link for link in (_link(a, titles) for a in most_opened(kb, sources))
                    if link.url not in shown)[:popular_limit]
    return Home(lang, categories, promoted, popular, contact(kb, lang, text),
                text.section("home"))


def most_opened(kb: KnowledgeBase, sources: list[Article]) -> list[Article]:
    """``sources`` opened from search at least once, most opened first (the query log's
    ``open`` events, a translation counting for its source); none without a log."""
    # imported here: kbtools.search brings Whoosh, which `kb check` (that imports this
    # module for its category checks) does not need
    from kbtools.search import querylog

    by_path = {a.path: a for a in sources}
    source_of = {a.path: a.source for a in kb.corpus.articles if a.is_translation}
    state = kb.config.path(kb.config.state_dir)
    opened = Counter()
    for entry in querylog.entries(state):
        path = source_of.get(entry.path or "", entry.path)
        if entry.event == querylog.OPEN and path in by_path:
            opened[path] += 1
    return [by_path[path] for path, _ in sorted(opened.items(), key=lambda i: (-i[1], i[0]))]


def contact(kb: KnowledgeBase, lang: str, text: Catalog) -> dict[str, str]:
    """The contact block's values from the public ``support`` facts in ``lang``."""
    support = kb.facts.public(kb.config.internal_facts, lang).get("support")
    if not isinstance(support, dict):
        return {}
    found = {key: str(support[key]) for key in ("hours_text", "email", "phone")
             if support.get(key)}
    zone = support.get("timezone")
    if isinstance(zone, str):
        try:
            place = get_timezone_location(zone, locale=lang.replace("-", "_"), return_city=True)
        except (LookupError, UnknownLocaleError, ValueError):
            place = zone
        found["timezone"] = text.text("home.timezone", timezone=place)
    return found


# -- the agent site -------------------------------------------------------------------------
KIND_ICONS = {"faq": "material/frequently-asked-questions",
              "script": "material/message-reply-text-outline",
              "playbook": "material/alarm-light-outline", "tone": "material/account-voice",
              "path": "material/school-outline"}
"""Icons of the agent home's categories (Material icon names; not text, so not catalogued)."""


def agent_home(kb: KnowledgeBase, articles: Iterable[Article], lang: str) -> Home:
    """The internal site's home blocks for agents: search, and one category per kind with a
    folder (answer scripts, playbooks, FAQ ...) with its article count, titled
    ``kinds.<kind>`` in the catalogs."""
    text = catalog(kb, lang)
    counts = Counter(a.kind for a in _sources(articles))
    categories = tuple(
        Category(kind.name, text.get(f"kinds.{kind.name}") or kind.title, "",
                 KIND_ICONS.get(kind.name), counts[kind.name],
                 page_url(site_path(kind.folder.rstrip("/") + "/index.md")))
        for kind in kb.kinds if kind.folder and counts[kind.name])
    return Home(lang, categories, (), (), {}, text.section("home"))


# -- topic and tag pages --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TopicPage:
    src: str
    """Staged file (``topics/account.ar.md``)."""
    title: str
    markdown: str


def topic_pages(kb: KnowledgeBase, articles: Iterable[Article],
                languages: tuple[str, ...]) -> Iterator[TopicPage]:
    """A page per category and per tag, in every language, listing the published articles
    (titles in that language), for the home's categories and the articles' tag links."""
    articles = list(articles)
    sources = _sources(articles)
    specs = category_specs(kb)
    members: dict[str, list[Article]] = {}
    for article in sources:
        spec = category_of(article, specs)
        if spec:
            members.setdefault(spec.key, []).append(article)
    tagged: dict[str, list[Article]] = {}
    for article in sources:
        for tag in article.tags:
            tagged.setdefault(tag, []).append(article)
    for lang in languages:
        text = catalog(kb, lang)
        titles = _titles(articles, lang)
        suffix = ".md" if lang == languages[0] else f".{lang}.md"
        for spec in specs:
            title = text.text(f"categories.{spec.key}.title")
            intro = text.get(f"categories.{spec.key}.description") or ""
            yield TopicPage(f"{TOPICS}/{spec.key}{suffix}", title,
                            _listing(title, intro, members.get(spec.key, []), titles))
        for tag, tagged_articles in sorted(tagged.items()):
            title = text.text("article.tag_title", tag=text.tag(tag))
            yield TopicPage(f"{TAGS}/{tag_slug(tag)}{suffix}", title,
                            _listing(title, text.text("article.tag_intro"), tagged_articles,
                                     titles))


def tag_slug(tag: str) -> str:
    """A tag's file name in ``tags/`` (lower case, spaces as hyphens, no slashes)."""
    return "-".join(tag.lower().replace("/", " ").split()) or "tag"


def _listing(title: str, intro: str, articles: list[Article], titles: Mapping[str, str]) -> str:
    lines = [f"# {_escape(title)}", ""]
    if intro:
        lines += [_escape(intro), ""]
    entries = sorted(((titles.get(a.path, a.title), a) for a in articles),
                     key=lambda item: item[0].casefold())
    for name, article in entries:
        target = posixpath.relpath(site_path(article.path), TOPICS)
        lines.append(f"- [{_escape(name)}]({target})")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]") \
        .replace("<", "&lt;").replace("#", "\\#")
