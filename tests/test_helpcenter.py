"""The public help center: catalogs, the home per language, article extras and SEO, on a
real MkDocs build of a small knowledge base (a real git repo for the last-updated dates)."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check
from kbtools.registry import open_kb
from kbtools.search import querylog
from kbtools.sites import build
from kbtools.sites.catalogs import catalog, catalog_findings, direction, package_catalog
from kbtools.sites.helpcenter import category_findings, home, topic_pages
from kbtools.sites.pageinfo import DESCRIPTION_CHARS, describe, page_info
from kbtools.sites.sitemap import (
    Pruning,
    public_sitemap,
    site_sitemap,
    write_language_sitemaps,
)
from tests.support import SITE_URL, article, git_init, make_kb

CATALOG_EN = """\
site:
  name: Example Help Center
  description: Answers about Example Co.
  copyright: © Example Co
categories:
  money:
    title: Money matters
    description: Refunds and invoices.
  access:
    title: Signing in
    description: Passwords and sign-in.
tags:
  billing: Billing
  login: Sign-in
"""
CATALOG_AR = """\
site:
  name: مركز مساعدة Example
  description: إجابات عن Example Co.
  copyright: © Example Co
categories:
  money:
    title: المال
    description: المبالغ المستردة والفواتير.
  access:
    title: تسجيل الدخول
    description: كلمات المرور وتسجيل الدخول.
tags:
  billing: الفوترة
  login: الدخول
"""
CATALOG_FA = CATALOG_AR.replace("مركز مساعدة", "مرکز راهنمای").replace("المال", "پول")
INDEX_META = {
    "audience": "public",
    "categories": [{"key": "money", "icon": "material/cash", "tags": ["billing"]},
                   {"key": "access", "icon": "material/lock", "tags": ["login"]}],
}
FILES = {
    "kb.yml": "languages: [en, ar, fa]\n",
    "catalogs/en.yml": CATALOG_EN,
    "catalogs/ar.yml": CATALOG_AR,
    "catalogs/fa.yml": CATALOG_FA,
    "macros/data/support.ar.yml": "hours_text: من الاثنين إلى الجمعة، 08:00-20:00\n",
    "docs/index.md": article("Agent home", "Welcome.\n"),
    "docs/faq/index.md": article("Questions", "- [Refunds](refunds.md)\n", **INDEX_META),
    "docs/faq/index.ar.md": article("الأسئلة", "- [المبالغ المستردة](refunds.md)\n"),
    "docs/faq/refunds.md": article(
        "How do refunds work?", "# How do refunds work?\n\nA refund takes five days.\n",
        audience="public", tags=["billing"], promoted=True,
        summary="Refunds reach your card within five business days."),
    "docs/faq/refunds.ar.md": article("كيف تعمل المبالغ المستردة؟",
                                      "تصل المبالغ المستردة خلال خمسة أيام.\n",
                                      tags=["billing"]),
    "docs/faq/refunds.fa.md": article("بازپرداخت چگونه است؟", "بازپرداخت پنج روز طول می‌کشد.\n",
                                      tags=["billing"]),
    "docs/faq/invoices.md": article("Where are my invoices?", "Under Settings.\n",
                                    audience="public", tags=["billing"]),
    "docs/faq/password.md": article("How do I reset my password?",
                                    "Choose *Forgot password*.\n", audience="public",
                                    tags=["login"]),
    "docs/guide/internal.md": article("Internal notes", "Agents only.\n"),
}
# English interface strings the Arabic pages must not show (kb's and the KB's own).
ENGLISH_UI = ("How can we help?", "Browse by topic", "Recommended answers", "Still need help?",
              "Support hours", "Was this helpful?", "Related articles", "Last updated",
              "Made with", "Example Help Center", "Money matters", "Articles:")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("helpcenter"), FILES)
    git_init(root, date="2026-03-05T10:00:00Z")
    state = root / ".kb"
    for _ in range(3):
        querylog.record_open(state, query="password", lang="en", scope="public",
                             path="docs/faq/password.md", rank=1)
    build(open_kb(root), ["public"], out=root / "out")
    return root / "out" / "site-public"


def page(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# -- catalogs -------------------------------------------------------------------------------
def test_kb_ships_the_same_keys_in_every_language():
    english = package_catalog("en").strings
    for lang in ("ar", "fa", "ru", "sl"):
        texts = package_catalog(lang).strings
        assert texts.keys() == english.keys(), lang
        for key, text in english.items():
            assert re.findall(r"{\w+}", texts[key]) == re.findall(r"{\w+}", text), (lang, key)


def test_a_catalog_falls_back_to_the_default_language_then_to_kb_english(tmp_path):
    kb = open_kb(make_kb(tmp_path, {**FILES, "kb.yml": "languages: [en, ar, de]\n"}))
    assert catalog(kb, "ar").text("site.name") == "مركز مساعدة Example"
    assert catalog(kb, "ar").text("home.articles", count=3) == "عدد المقالات: 3"
    assert catalog(kb, "de").text("site.name") == "Example Help Center"
    assert catalog(kb, "de").text("feedback.question") == "Was this helpful?"
    assert catalog(kb, "ar").tag("login") == "الدخول" and catalog(kb, "ar").tag("x") == "x"
    assert direction("ar") == "rtl" and direction("fa-IR") == "rtl" and direction("sl") == "ltr"


def test_check_reports_a_missing_catalog_entry_at_the_line_where_it_belongs(tmp_path):
    ar = CATALOG_AR.replace("  login: الدخول\n", "")
    kb = open_kb(make_kb(tmp_path, {**FILES, "catalogs/ar.yml": ar,
                                    "kb.yml": "languages: [en, ar, fa, ru, de]\n"}))
    found = [f.format() for f in catalog_findings(kb)]
    billing_line = ar.splitlines().index("  billing: الفوترة") + 1
    assert (f"catalogs/ar.yml:{billing_line + 1}: error: no ar text for 'tags.login' (the en "
            "one is 'Sign-in'); add it to catalogs/ar.yml [catalog.missing]") in found
    # ru has kb's own strings but not the KB's; de has neither; both files are missing
    assert "catalogs/ru.yml:1: error: no ru text for 'site.name'" in "\n".join(found)
    assert any(f.startswith("catalogs/de.yml:1: error: no de text for 'banner.overdue'")
               for f in found)
    assert not any("'banner." in f for f in found if f.startswith("catalogs/ru.yml"))
    assert set(found) <= {f.format() for f in check(kb).findings}


def test_kb_check_fails_on_a_missing_catalog_entry_and_passes_when_complete(tmp_path):
    root = make_kb(tmp_path, {**FILES, "catalogs/fa.yml": "site:\n  name: x\n"})
    result = CliRunner().invoke(main, ["--root", str(root), "check"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "catalogs/fa.yml:3: error: no fa text for 'site.description'" in result.output
    complete = make_kb(tmp_path / "complete", FILES)
    result = CliRunner().invoke(main, ["--root", str(complete), "check"],
                                catch_exceptions=False)
    assert "catalog" not in result.output and result.exit_code == 0


def test_a_catalog_value_that_is_not_text_is_reported_at_its_line(tmp_path):
    kb = open_kb(make_kb(tmp_path, {**FILES, "catalogs/ar.yml": CATALOG_AR + "extra: [1]\n"}))
    line = len(CATALOG_AR.splitlines()) + 1
    assert f"catalogs/ar.yml:{line}: error: extra must be text, got [1] [catalog.type]" in \
        [f.format() for f in catalog_findings(kb)]


def test_promoted_is_typed_front_matter(tmp_path):
    kb = open_kb(make_kb(tmp_path, {
        "docs/faq/a.md": article("A", audience="public", promoted=True),
        "docs/faq/b.md": article("B", audience="public", promoted="yes"),
    }))
    assert kb.corpus.get("docs/faq/a.md").promoted is True
    assert kb.corpus.get("docs/faq/b.md").promoted is False
    assert "docs/faq/b.md:4: error: promoted must be true or false, got 'yes' [meta.type]" in \
        [f.format() for f in check(kb).findings]


# -- the home -------------------------------------------------------------------------------
def test_home_data_counts_categories_and_lists_promoted_and_popular(tmp_path):
    root = make_kb(tmp_path, FILES)
    kb = open_kb(root)
    public = [a for a in kb.corpus.articles if a.is_public]
    data = home(kb, public, "en")
    assert [(c.key, c.title, c.count, c.url) for c in data.categories] == [
        ("money", "Money matters", 2, "topics/money/"),
        ("access", "Signing in", 1, "topics/access/")]
    assert [link.title for link in data.promoted] == ["How do refunds work?"]
    assert data.popular == ()  # no query log yet: no popular answers, no failure
    querylog.record_open(root / ".kb", query="invoice", lang="ar", scope="public",
                         path="docs/faq/invoices.md", rank=1)
    kb = open_kb(root)
    assert [link.url for link in home(kb, public, "ar").popular] == ["faq/invoices/"]
    assert home(kb, public, "ar").contact["hours_text"] == "من الاثنين إلى الجمعة، 08:00-20:00"


def test_built_home_has_search_categories_with_counts_and_contact(built):
    html = page(built, "index.html")
    assert 'data-kb-search-form' in html and 'type="search"' in html
    counts = dict(re.findall(r'data-kb-category="(\w+)".*?data-kb-count="(\d+)"', html, re.S))
    assert counts == {"money": "2", "access": "1"}
    assert 'href="topics/money/"' in html and (built / "topics/money/index.html").exists()
    assert "mailto:help@example.test" in html and "Monday to Friday, 08:00-20:00" in html
    promoted = re.search(r'kb-home-promoted.*?</section>', html, re.S).group(0)
    popular = re.search(r'kb-home-popular.*?</section>', html, re.S).group(0)
    assert "How do refunds work?" in promoted and "How do I reset my password?" in popular
    assert "<title>Example Help Center</title>" in html


def test_arabic_home_and_article_show_no_english_interface_strings(built):
    for path in ("ar/index.html", "ar/faq/refunds/index.html"):
        html = page(built, path)
        visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
        for english in ENGLISH_UI:
            assert english not in visible, (path, english)
        assert '<html lang="ar"' in html and 'dir="rtl"' in html
    assert "كيف يمكننا مساعدتك؟" in page(built, "ar/index.html")
    assert 'data-kb-count="2"' in page(built, "ar/index.html")


# -- article pages --------------------------------------------------------------------------
def test_english_fallback_page_in_the_arabic_site_is_left_to_right(built):
    html = page(built, "ar/faq/invoices/index.html")
    assert '<div class="kb-article" lang="en" dir="ltr">' in html
    banner = re.search(r'<div class="[^"]*kb-banner-fallback"([^>]*)>', html).group(1)
    assert 'lang="ar"' in banner and 'dir="rtl"' in banner
    assert '<div class="kb-article" lang="ar" dir="rtl">' in page(built,
                                                                   "ar/faq/refunds/index.html")


def test_a_tag_only_index_pages_carry_has_no_page_and_no_link(tmp_path):
    """Tag pages list articles, not index pages: a tag only an index page carries has no
    page, so the index page shows no link to one (it led to a 404)."""
    kb = open_kb(make_kb(tmp_path, {
        "docs/faq/index.md": article("Questions", "- [Refunds](refunds.md)\n",
                                     audience="public", tags=["faq", "billing"]),
        "docs/faq/refunds.md": article("Refunds", "Within 14 days.\n", audience="public",
                                       tags=["billing"]),
    }))
    articles = list(kb.corpus.articles)
    pages = {p.src for p in topic_pages(kb, articles, ("en",))}
    assert "tags/billing.md" in pages and "tags/faq.md" not in pages
    info = page_info(kb, kb.corpus.get("docs/faq/index.md"), articles, reader_lang="en",
                     site_url=None, history=None)
    assert [tag.url for tag in info.tags] == ["tags/billing/"]


def test_article_has_date_tags_related_and_the_feedback_placeholder(built):
    html = page(built, "faq/refunds/index.html")
    assert "Last updated: March 5, 2026" in html
    assert re.search(r'<a href="../../tags/billing/" class="md-tag">Billing</a>', html)
    assert (built / "tags/billing/index.html").exists()
    related = re.search(r'class="kb-related".*?</nav>', html, re.S).group(0)
    assert "Where are my invoices?" in related and "refunds" not in related
    assert ('<section class="kb-feedback" data-kb-page="faq/refunds/" data-kb-lang="en" '
            'data-kb-endpoint="api/feedback" data-kb-question="Was this helpful?" '
            'data-kb-yes="Yes" data-kb-no="No" data-kb-thanks="Thank you for your feedback.">'
            '</section>') in html
    assert '<script src="../../assets/kb/feedback.js" defer></script>' in html
    arabic = page(built, "ar/faq/refunds/index.html")
    assert "آخر تحديث: 5 مارس 2026" in arabic and 'data-kb-question="هل كان هذا مفيدًا؟"' in arabic
    assert 'data-kb-page="ar/faq/refunds/" data-kb-lang="ar"' in arabic
    assert ">الفوترة</a>" in arabic


def test_head_has_description_and_canonical_and_no_alternates(built):
    html = page(built, "ar/faq/refunds/index.html")
    assert f'<link rel="canonical" href="{SITE_URL}ar/faq/refunds/">' in html
    # hreflang alternates live in sitemap.xml only: Material fetches "sitemap.xml" below every
    # <link rel="alternate"> of a page, which would be a 404 per language and page
    assert 'rel="alternate"' not in html
    english = page(built, "faq/refunds/index.html")
    assert ('<meta name="description" content="Refunds reach your card within five business '
            'days.">') in english
    # a fallback copy points search engines at the English page, its only real version
    fallback = page(built, "ar/faq/invoices/index.html")
    assert f'<link rel="canonical" href="{SITE_URL}faq/invoices/">' in fallback
    assert 'rel="alternate"' not in fallback
    assert '<meta name="description" content="Under Settings.">' in fallback
    # the card a shared link shows: title, summary, canonical address
    assert ('<meta property="og:description" content="Refunds reach your card within five '
            'business days.">') in english
    assert f'<meta property="og:url" content="{SITE_URL}faq/invoices/">' in fallback
    assert '<meta name="twitter:card" content="summary">' in english
    assert '<meta property="og:title" content="How do refunds work?">' in english


def test_sitemap_lists_every_language_version_with_hreflang(built):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring((built / "sitemap.xml").read_bytes())
    urls = {u.findtext("s:loc", namespaces=ns): u for u in root.findall("s:url", ns)}
    assert f"{SITE_URL}faq/refunds/" in urls and f"{SITE_URL}ar/faq/refunds/" in urls
    alternates = {link.get("hreflang"): link.get("href")
                  for link in urls[f"{SITE_URL}faq/refunds/"].findall("x:link", ns)}
    assert alternates["ar"] == f"{SITE_URL}ar/faq/refunds/"
    assert alternates["fa"] == f"{SITE_URL}fa/faq/refunds/"
    assert alternates["x-default"] == f"{SITE_URL}faq/refunds/"
    assert all(loc.startswith(SITE_URL) for loc in urls)
    # an article's lastmod is the day of its last commit (git_init's), not the build's
    for loc in (f"{SITE_URL}faq/refunds/", f"{SITE_URL}ar/faq/refunds/"):
        assert urls[loc].findtext("s:lastmod", namespaces=ns) == "2026-03-05", loc


def test_sitemap_announces_no_fallback_copy_as_a_language_version(built):
    # invoices.md has no Arabic translation: ar/faq/invoices/ is the English page, whose
    # canonical URL is the English one; the sitemap must not call it the Arabic version.
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    data = (built / "sitemap.xml").read_bytes()
    assert gzip.decompress((built / "sitemap.xml.gz").read_bytes()) == data
    root = ET.fromstring(data)
    urls = {u.findtext("s:loc", namespaces=ns): u for u in root.findall("s:url", ns)}
    assert f"{SITE_URL}faq/invoices/" in urls
    assert f"{SITE_URL}ar/faq/invoices/" not in urls
    assert f"{SITE_URL}fa/faq/invoices/" not in urls
    alternates = {link.get("hreflang"): link.get("href")
                  for link in urls[f"{SITE_URL}faq/invoices/"].findall("x:link", ns)}
    assert alternates == {"en": f"{SITE_URL}faq/invoices/",
                          "x-default": f"{SITE_URL}faq/invoices/"}
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"',
                          page(built, "ar/faq/invoices/index.html")).group(1)
    assert canonical == f"{SITE_URL}faq/invoices/"


def test_each_language_root_has_the_sitemap_of_its_own_pages(built):
    # Material fetches <language root>/sitemap.xml for instant navigation
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    everything = {u.findtext("s:loc", namespaces=ns)
                  for u in ET.fromstring((built / "sitemap.xml").read_bytes()).findall("s:url", ns)}
    for lang in ("ar", "fa"):
        root = ET.fromstring((built / lang / "sitemap.xml").read_bytes())
        locs = {u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)}
        assert locs == {loc for loc in everything if loc.startswith(f"{SITE_URL}{lang}/")}
        assert f"{SITE_URL}{lang}/faq/refunds/" in locs
    assert not (built / "en" / "sitemap.xml").exists()


SM, XH = "http://www.sitemaps.org/schemas/sitemap/0.9", "http://www.w3.org/1999/xhtml"
ENTRIES = [("./", [("en", "./"), ("ar", "ar/")]),
           ("faq/a&b/", [("en", "faq/a&b/"), ("ar", "ar/faq/a&b/"), ("fa", "fa/faq/a&b/")]),
           ("faq/only-ar/", [("en", "faq/only-ar/"), ("ar", "ar/faq/only-ar/")]),
           ("ar/", [("ar", "ar/"), ("en", "./")]),
           ("ar/faq/a&b/", [("ar", "ar/faq/a&b/"), ("en", "faq/a&b/"), ("fa", "fa/faq/a&b/")]),
           ("ar/faq/only-ar/", [("ar", "ar/faq/only-ar/"), ("en", "faq/only-ar/")]),
           ("fa/faq/a&b/", [("fa", "fa/faq/a&b/"), ("ar", "ar/faq/a&b/"), ("en", "faq/a&b/")])]
"""A site's pages for its sitemap, with characters to escape; on the public site the two
below are fallback copies."""
COPIES, MODIFIED, DAY = {"fa/faq/a&b/", "faq/only-ar/"}, {"faq/a&b/": "2026-01-02"}, "2026-11-29"


def elementtree_sitemap(xml: bytes, *, prune: bool, prefix: str = "") -> bytes:
    """``xml`` (a site's sitemap) pruned for the public site and cut to the entries below
    ``prefix``, as ElementTree does it: what kb wrote before it wrote them directly."""
    ET.register_namespace("", SM)  # the prefixes the sitemap declares
    ET.register_namespace("xhtml", XH)
    root = ET.fromstring(xml)
    for url in list(root):
        loc = url.findtext(f"{{{SM}}}loc").removeprefix(SITE_URL)
        if not loc.startswith(prefix) or (prune and loc in COPIES):
            root.remove(url)
            continue
        if not prune:
            continue
        if loc in MODIFIED:
            url.find(f"{{{SM}}}lastmod").text = MODIFIED[loc]
        for link in url.findall(f"{{{XH}}}link"):
            if link.get("href").removeprefix(SITE_URL) in COPIES:
                url.remove(link)
        default = [link.get("href") for link in url.findall(f"{{{XH}}}link")
                   if link.get("hreflang") == "en"]
        if default:
            ET.SubElement(url, f"{{{XH}}}link", {"rel": "alternate", "hreflang": "x-default",
                                                 "href": default[0]})
    if prefix:  # a language's: its entries in an element of their own
        kept = ET.Element(root.tag, root.attrib)
        kept.extend(root)
        root = kept
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def test_public_sitemap_is_the_site_sitemap_pruned_as_elementtree_writes_it():
    # The public sitemap is written an entry at a time (parsing the whole sitemap to prune
    # it was the public build's peak of memory): the same bytes as pruning the site's
    # sitemap with ElementTree, copies left out as entries and as alternates, days from git.
    written = public_sitemap(SITE_URL, ENTRIES, DAY, Pruning(COPIES, "en", MODIFIED))
    assert written == elementtree_sitemap(site_sitemap(SITE_URL, ENTRIES, DAY), prune=True)
    assert b"a&amp;b" in written and b"only-ar" in written
    assert written.count(b"<url>") == 5 and b'hreflang="fa"' not in written
    for few in ([], [("./", [])]):  # no alternate: no xhtml namespace either
        assert public_sitemap(SITE_URL, few, DAY, Pruning((), "en")) == elementtree_sitemap(
            site_sitemap(SITE_URL, few, DAY), prune=True)


@pytest.mark.parametrize("public", [False, True])
def test_each_language_sitemap_is_that_languages_part_of_the_sites(tmp_path, public):
    # Written from the pages, not read back from the site's sitemap: the same bytes as
    # cutting that sitemap with ElementTree, for each language with a folder.
    for lang in ("ar", "fa", "sl"):
        (tmp_path / lang).mkdir()
    pruning = Pruning(COPIES, "en", MODIFIED) if public else None
    written = write_language_sitemaps(
        tmp_path, SITE_URL, DAY, ["en", "ar", "fa", "ru", "sl"],
        lambda lang: [entry for entry in ENTRIES if entry[0].startswith(f"{lang}/")], pruning)
    assert written == 3  # ru has no folder
    assert not (tmp_path / "ru" / "sitemap.xml").exists()
    for lang, count in (("ar", 3), ("fa", 0 if public else 1), ("sl", 0)):
        data = (tmp_path / lang / "sitemap.xml").read_bytes()
        assert data == elementtree_sitemap(site_sitemap(SITE_URL, ENTRIES, DAY),
                                           prune=public, prefix=f"{lang}/"), lang
        assert data.count(b"<url>") == count


def test_footer_is_the_catalog_copyright_without_the_generator_line(built):
    for path in ("index.html", "ar/index.html"):
        footer = re.search(r'<footer class="md-footer">.*?</footer>', page(built, path),
                           re.S).group(0)
        assert "© Example Co" in footer and "Material for MkDocs" not in footer


def test_public_site_has_no_internal_page_and_instant_navigation_is_on(built):
    assert not (built / "guide").exists()
    assert "Internal notes" not in page(built, "tags/billing/index.html")
    assert '"navigation.instant"' in page(built, "index.html")


def test_footer_links_to_the_contact_block_in_the_reader_language(built):
    assert '<a class="kb-footer-contact" href="../../#kb-home-contact">Contact support</a>' in \
        page(built, "faq/refunds/index.html")
    assert '>تواصل مع الدعم</a>' in page(built, "ar/faq/refunds/index.html")


def test_agent_site_home_has_search_and_a_category_per_kind(tmp_path):
    root = make_kb(tmp_path, {**FILES, "docs/scripts/refund-ok.md": article(
        "Refund approved", "Hi,\n\nYour refund is on its way.\n", channel="email",
        situation="refund", tone="warm", use_when="The refund was approved.")})
    build(open_kb(root), ["internal"], out=root / "out")
    for path, title in (("index.html", "Answer scripts"), ("ar/index.html", "نصوص الردود")):
        html = page(root / "out" / "site", path)
        assert "data-kb-search-form" in html
        counts = dict(re.findall(r'data-kb-category="(\w+)".*?data-kb-count="(\d+)"', html,
                                 re.S))
        assert counts == {"faq": "3", "script": "1"}
        assert f'<span class="kb-category__title">{title}</span>' in html
        assert "Welcome." in html  # the knowledge base's own home stays, below


def test_description_is_the_first_paragraph_outside_banners_cut_at_a_word():
    html = ('<div class="admonition info kb-banner"><p>Not translated yet.</p></div>'
            "<h1>Title</h1><p>First <strong>answer</strong> text.</p><p>Second.</p>")
    assert describe(html) == "First answer text."
    long = describe("<p>" + "word " * 100 + "</p>")
    assert len(long) <= DESCRIPTION_CHARS and long.endswith("word…")
    assert describe("<ul><li>No paragraph</li></ul>") == ""


def test_check_reports_unusable_categories_at_their_line(tmp_path):
    meta = {"audience": "public", "categories": [
        {"key": "money", "tags": ["billing"]}, {"icon": "material/cash"},
        {"key": "untitled", "tags": ["x"]}]}
    kb = open_kb(make_kb(tmp_path, {**FILES, "docs/faq/index.md": article("Q", **meta)}))
    assert [f.format() for f in category_findings(kb)] == [
        "docs/faq/index.md:8: error: a category needs a key and a list of tags, got "
        "{'icon': 'material/cash'} [site.categories]",
        "docs/faq/index.md:9: warning: category 'untitled' has no title: add "
        "categories.untitled.title to the catalogs [site.categories]"]


def test_related_articles_from_the_index_are_those_of_every_article_compared():
    """``Published.neighbours`` only narrows the candidates: for every public article of the
    example, in every language, the related articles are those found by comparing it with
    every published article."""
    from kbtools.sites.pageinfo import Published, related
    from kbtools.sites.selection import select
    from kbtools.sites.site import SITES
    from tests.support import REPO

    kb = open_kb(REPO)
    published = Published(select(kb, SITES["public"]).articles)
    sources = [a for a in published.articles if not a.is_translation]
    assert len(sources) > 10
    found = 0
    for lang in kb.config.languages:
        titles = published.titles(lang)
        for source in sources:
            everyone = related(source, published.articles, titles)
            assert related(source, published.neighbours(source), titles) == everyone
            assert published.related(source, lang) == everyone
            found += len(everyone)
    assert found > 0


def test_related_articles_tied_at_the_cut_are_ordered_by_the_readers_titles():
    """``Published.related`` ranks an article's neighbours once for every language: the
    articles tied at the cut are still chosen by their titles in the reader's language, as
    :func:`related` chooses them from every article."""
    from kbtools.content.model import Article
    from kbtools.sites.pageinfo import MAX_RELATED, Published, related

    source = Article("docs/faq/a.md", "faq", "en", "A", tags=("billing", "plans"))
    # two closer than the rest (both tags), then eight tied on one tag: which of those make
    # the cut depends on the titles
    close = [Article(f"docs/faq/close-{n}.md", "faq", "en", f"Close {n}",
                     tags=("billing", "plans")) for n in range(2)]
    tied = [Article(f"docs/other/t{n}.md", "faq", "en", f"{chr(ord('h') - n)} tied",
                    tags=("billing",)) for n in range(8)]
    # in Slovenian the tied titles sort the other way round
    translated = [Article(f"docs/other/t{n}.sl.md", "faq", "sl", f"{chr(ord('a') + n)} vezan",
                          source=f"docs/other/t{n}.md") for n in range(8)]
    apart = [Article("docs/misc/far.md", "faq", "en", "Far", tags=("security",))]
    published = Published([source, *close, *tied, *translated, *apart])
    chosen = {}
    for lang in ("en", "sl"):
        everyone = related(source, published.articles, published.titles(lang))
        assert published.related(source, lang) == everyone
        assert len(everyone) == MAX_RELATED and [link.title for link in everyone[:2]] == [
            "Close 0", "Close 1"]
        chosen[lang] = [link.url for link in everyone[2:]]
    assert chosen["en"] == ["other/t7/", "other/t6/", "other/t5/"]  # a, b, c tied
    assert chosen["sl"] == ["other/t0/", "other/t1/", "other/t2/"]  # a, b, c vezan
