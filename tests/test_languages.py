"""kb's own language builds (:mod:`kbtools.sites.languages`): each language's files, settings,
menu, 404 page and sitemap, as real MkDocs builds write them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.structure.files import File

from kbtools.errors import ConfigError
from kbtools.registry import open_kb
from kbtools.sites import build
from kbtools.sites.languages import LanguageFiles, page_dest, page_name, split_locale
from tests.support import MKDOCS, SITE_URL, article, make_kb

FILES = {
    "kb.yml": "languages: [en, ru, fa]\n",
    "docs/index.md": article("Agent home", "Start here.\n"),
    "docs/faq/index.md": article("Questions", "- [Reset](reset.md)\n", audience="public"),
    "docs/faq/reset.md": article("Reset your password", "Open settings.\n", audience="public"),
    "docs/faq/reset.ru.md": article("Сброс пароля", "Откройте настройки.\n"),
    "docs/guide/triage.md": article("Ticket triage", "Sort tickets.\n"),
}
NAV = "nav:\n  - index.md\n  - Questions: faq/\n  - Guides: guide/\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_kb(tmp_path_factory.mktemp("kb"), FILES)
    build(open_kb(root), out=root / "out")
    return root / "out"


@pytest.fixture(scope="module")
def site(built) -> Path:
    """The agent site: a page without a translation is written once, in English."""
    return built / "site"


@pytest.fixture(scope="module")
def public(built) -> Path:
    """The public site: such a page is written in every language (a fallback copy)."""
    return built / "site-public"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def menu(page: str) -> dict[str, str]:
    """The language menu: language -> link."""
    return {lang: href for href, lang in
            re.findall(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link"', page)}


@pytest.mark.parametrize("directory_urls", [True, False])
def test_a_pages_place_is_where_mkdocs_puts_it(directory_urls):
    for norm in ("index.md", "faq/index.md", "faq/a.md", "README.md", "faq/README.md",
                 "a.b.md", "deep/er/page.md"):
        theirs = File(norm, "/docs", "/site", directory_urls)
        assert page_dest(norm, directory_urls) == theirs.dest_uri, norm
        assert page_name(norm) == theirs.name, norm


def test_a_language_suffix_is_one_of_the_sites_languages():
    assert split_locale("faq/a.ru.md", ("en", "ru")) == ("faq/a.md", "ru")
    assert split_locale("faq/index.ru.md", ("en", "ru")) == ("faq/index.md", "ru")
    assert split_locale("faq/a.md", ("en", "ru")) == ("faq/a.md", None)
    assert split_locale("faq/v1.de.md", ("en", "ru")) == ("faq/v1.de.md", None)
    assert split_locale("img/logo.ru.png", ("en", "ru")) == ("img/logo.png", "ru")


def test_a_languages_files_answer_links_with_its_own_version():
    files = LanguageFiles([File(p, "/docs", "/site", True)
                           for p in ("faq/a.ru.md", "faq/b.md", "index.ru.md")], "ru")
    assert files.get_file_from_path("faq/a.md").src_uri == "faq/a.ru.md"
    assert files.get_file_from_path("faq/b.md").src_uri == "faq/b.md"
    assert files.get_file_from_path(".").src_uri == "index.ru.md"
    assert files.get_file_from_path("faq/c.md") is None
    english = File("faq/c.md", "/docs", "/site", True)
    elsewhere = LanguageFiles(files, "ru", {"faq/c.md": english})
    assert elsewhere.get_file_from_path("faq/c.md") is english  # the English build's page
    assert "faq/c.md" not in elsewhere.src_uris  # not written by this one


def test_each_language_is_built_in_its_folder_from_its_own_files(site, public):
    assert "Откройте настройки." in read(site, "ru/faq/reset/index.html")
    assert "Open settings." in read(public, "fa/faq/reset/index.html")  # a fallback copy
    assert not (site / "fa/faq/reset").exists()  # the agent site: only the English page
    assert not (site / "ru/guide/triage").exists() and not (site / "fa/guide/triage").exists()
    assert (site / "fa/guide/index.html").exists()  # a generated section page: in every one
    assert '<html lang="ru"' in read(site, "ru/faq/reset/index.html")
    assert '<html lang="fa"' in read(site, "fa/index.html")  # a language's home: always
    assert '<body dir="rtl"' in read(site, "fa/index.html")
    assert not (site / "faq/reset.ru").exists() and not (site / "ru/assets").exists()


def test_the_sites_404_page_is_in_its_default_language(site):
    page = read(site, "404.html")
    assert '<html lang="en"' in page
    assert not list(site.glob("*/404.html"))  # one, at the root: what servers answer with
    assert set(menu(page).values()) == {"/", "/ru/", "/fa/"}  # the languages' roots


def test_the_language_menu_leads_to_the_same_page_in_each_language(site, public):
    assert menu(read(public, "ru/faq/reset/index.html")) == {
        "en": "../../../faq/reset/", "ru": "./", "fa": "../../../fa/faq/reset/"}
    # the agent site has no Persian page of it: the menu leads to the Persian home
    assert menu(read(site, "ru/faq/reset/index.html")) == {
        "en": "../../../faq/reset/", "ru": "./", "fa": "/fa/"}
    assert menu(read(site, "guide/triage/index.html")) == {"en": "./", "ru": "/ru/", "fa": "/fa/"}
    assert menu(read(site, "ru/index.html")) == {"en": "/", "ru": "/ru/", "fa": "/fa/"}


def test_the_sitemap_has_every_page_in_every_language_with_its_alternates(site):
    text = read(site, "sitemap.xml")
    entries = re.findall(r"<loc>(.*?)</loc>.*?((?:<xhtml:link[^>]*>\s*)+)", text, re.S)
    locs = [loc for loc, _ in entries]
    english = [loc for loc in locs if not loc.startswith((f"{SITE_URL}ru/", f"{SITE_URL}fa/"))]
    assert f"{SITE_URL}guide/triage/" in english
    # the agent site's other languages: their homes, translations and generated pages
    assert {f"{SITE_URL}ru/", f"{SITE_URL}fa/", f"{SITE_URL}ru/faq/reset/",
            f"{SITE_URL}ru/guide/", f"{SITE_URL}fa/guide/"} <= set(locs)
    assert f"{SITE_URL}fa/faq/reset/" not in locs and f"{SITE_URL}ru/guide/triage/" not in locs
    assert all((site / loc[len(SITE_URL):] / "index.html").is_file() for loc in locs)
    assert len(locs) == len(set(locs))
    alternates = {loc: re.findall(r'hreflang="(\w+)" href="([^"]+)"', links)
                  for loc, links in entries}
    assert alternates[f"{SITE_URL}ru/faq/reset/"] == [  # its own language first
        ("ru", f"{SITE_URL}ru/faq/reset/"), ("en", f"{SITE_URL}faq/reset/")]
    assert [lang for lang, _ in alternates[SITE_URL]] == ["en", "fa", "ru"]
    assert alternates[f"{SITE_URL}guide/triage/"] == [("en", f"{SITE_URL}guide/triage/")]
    assert read(site, "ru/sitemap.xml").count("<loc>") == sum(
        loc.startswith(f"{SITE_URL}ru/") for loc in locs)


def test_each_language_takes_its_own_settings_and_titles(tmp_path):
    settings = MKDOCS.replace(
        "        - {locale: en, name: English}\n",
        "        - {locale: en, name: English}\n"
        "        - locale: ru\n"
        "          name: Русский\n"
        "          site_name: Справочник\n"
        "          nav_translations: {Guides: Руководства}\n") + NAV
    root = make_kb(tmp_path, {**FILES, "mkdocs.yml": settings})
    build(open_kb(root), ("internal",), out=tmp_path / "out")
    ru = read(tmp_path / "out/site", "ru/faq/reset/index.html")
    assert "<title>Сброс пароля - Справочник</title>" in ru
    assert "Руководства" in ru
    en = read(tmp_path / "out/site", "guide/triage/index.html")
    assert "- Knowledge base</title>" in en and "Руководства" not in en


def test_an_i18n_plugins_languages_are_read_as_the_kb_plugins(tmp_path):
    """The settings of mkdocs-static-i18n, which kb used before, keep working (the plugin
    itself is not run)."""
    settings = MKDOCS.replace(
        "      languages:              # names and titles; which languages is kb.yml's\n"
        "        - {locale: en, name: English}\n",
        "  - i18n:\n"
        "      docs_structure: suffix\n"
        "      fallback_to_default: true\n"
        "      languages:\n"
        "        - {locale: en, name: English, default: true}\n"
        "        - {locale: ru, name: По-русски}\n")
    assert "i18n" in settings
    root = make_kb(tmp_path, {**FILES, "mkdocs.yml": settings})
    build(open_kb(root), ("internal",), out=tmp_path / "out")
    assert "ru" in menu(read(tmp_path / "out/site", "ru/faq/reset/index.html"))
    assert "По-русски" in read(tmp_path / "out/site", "ru/faq/reset/index.html")


def test_a_wrong_language_setting_is_an_error_at_its_line(tmp_path):
    settings = MKDOCS.replace("        - {locale: en, name: English}\n",
                              "        - {locale: en, name: English, colour: red}\n")
    line = settings.splitlines().index("      languages:              # names and titles; "
                                       "which languages is kb.yml's") + 1
    root = make_kb(tmp_path, {**FILES, "mkdocs.yml": settings})
    with pytest.raises(ConfigError) as caught:
        build(open_kb(root), ("internal",), out=tmp_path / "out")
    [finding] = caught.value.findings
    assert (finding.path, finding.line, finding.code) == ("mkdocs.yml", line, "site.languages")
    assert "language en: unknown setting(s) colour" in finding.message
    assert not (tmp_path / "out/site").exists()


def test_a_partial_build_keeps_every_language_in_menus_and_sitemap(tmp_path):
    """A preview's first answer builds some languages and carries the others' folders over:
    the rebuilt pages still lead to every language, and the sitemap lists them all."""
    root = make_kb(tmp_path, FILES)
    build(open_kb(root), ("internal",), out=tmp_path / "out")
    site = tmp_path / "out/site"
    full = read(site, "sitemap.xml")
    (root / "docs/faq/reset.ru.md").write_text(
        article("Сброс пароля", "Откройте настройки снова.\n"), encoding="utf-8")
    build(open_kb(root), ("internal",), out=tmp_path / "out", languages=("ru",))
    page = read(site, "ru/faq/reset/index.html")
    assert "Откройте настройки снова." in page
    assert menu(page) == {"en": "../../../faq/reset/", "ru": "./", "fa": "/fa/"}
    assert read(site, "sitemap.xml") == full


def test_a_section_takes_its_translated_index_pages_title(tmp_path):
    """A folder's section is titled by its index page; in a language with a translation
    of that page, by the translation's title."""
    root = make_kb(tmp_path, {
        **FILES,
        "docs/guide/billing/index.md": article("Billing help", "- [Cards](cards.md)\n"),
        "docs/guide/billing/index.ru.md": article("Помощь с оплатой", "- [Карты](cards.md)\n"),
        "docs/guide/billing/cards.md": article("Cards", "Card payments.\n"),
        "mkdocs.yml": MKDOCS + NAV,
    })
    build(open_kb(root), ("internal",), out=tmp_path / "out")
    site = tmp_path / "out/site"

    def sections(page: str) -> list[str]:
        return re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', page)

    assert "Помощь с оплатой" in sections(read(site, "ru/guide/billing/index.html"))
    assert "Billing help" not in sections(read(site, "ru/guide/billing/index.html"))
    assert "Billing help" in sections(read(site, "guide/billing/cards/index.html"))


def test_a_title_the_navigation_gives_a_page_is_its_title_in_every_language(tmp_path):
    # kb makes the pages before MkDocs reads the navigation (to spare converting those
    # whose HTML comes from elsewhere): they must take the navigation's titles, as MkDocs'
    # own pages do, over their front matter's.
    nav = ("nav:\n  - index.md\n  - Guides:\n      - Triage how-to: guide/triage.md\n"
           "      - guide/shift.md\n")
    root = make_kb(tmp_path, {**FILES, "mkdocs.yml": MKDOCS + nav,
                              "docs/guide/shift.md": article("Shift", "Hand over.\n"),
                              "docs/guide/shift.ru.md": article("Смена", "Передайте смену.\n")})
    build(open_kb(root), ("internal",), out=root / "out")
    for path in ("guide/triage/index.html", "guide/shift/index.html",
                 "ru/guide/shift/index.html"):
        page = read(root / "out" / "site", path)
        items = re.findall(r'<span class="md-ellipsis">\s*([^<]+?)\s*</span>', page)
        assert "Triage how-to" in items, (path, items)
    # no heading of its own: Material heads the page with its title
    assert "<h1>Triage how-to</h1>" in read(root / "out" / "site", "guide/triage/index.html")
