"""The sites' pure parts: navigation, generated indexes, comments, links, banners, sanitizer,
selection and what blocks a build (no MkDocs run here)."""

from __future__ import annotations

import posixpath
from datetime import date

import pytest

from kbtools.errors import ContentError, UsageError
from kbtools.registry import open_kb
from kbtools.sites import build
from kbtools.sites.banners import page_banners
from kbtools.sites.catalogs import package_catalog
from kbtools.sites.indexes import section_indexes
from kbtools.sites.navigation import expand_nav
from kbtools.sites.render import copy_box, map_links, strip_comments
from kbtools.sites.sanitize import sanitize
from kbtools.sites.selection import blocking_findings, select
from kbtools.sites.site import SITES
from kbtools.sites.staging import StagedSite
from tests.support import article, make_kb

# -- navigation -------------------------------------------------------------------------


def test_nav_expands_folders_in_the_order_of_mkdocs_yml_and_drops_unpublished_ones():
    titles = {"index.md": "Home", "faq/index.md": "FAQ index", "faq/b.md": "Beta",
              "faq/a.md": "Alpha", "guide/x.md": "X guide", "extra/y.md": "Y"}
    nav = expand_nav(["index.md", {"Questions": "faq/"}, {"Playbooks": "playbooks/"},
                      {"Guides": "guide/"}], titles)
    assert nav == [
        "index.md",
        {"Questions": ["faq/index.md", "faq/a.md", "faq/b.md"]},
        {"Guides": ["guide/x.md"]},
        {"Extra": ["extra/y.md"]},  # not in mkdocs.yml: appended, never lost
    ]


def test_nav_splits_large_folders_so_each_page_carries_a_bounded_part():
    titles = {f"big/p{i:03}.md": f"Page {i:03}" for i in range(70)}
    nav = expand_nav([{"Big": "big/"}], titles, max_pages=30)
    parts = nav[0]["Big"]
    assert [len(next(iter(p.values()))) for p in parts] == [30, 30, 10]
    assert sum(len(next(iter(p.values()))) for p in parts) == 70
    assert next(iter(parts[0])) == "P (1–30)"


def test_generated_indexes_list_every_page_in_each_language():
    titles = {("faq/a.md", "en"): "Alpha", ("faq/a.ru.md", "ru"): "Альфа",
              ("faq/b.md", "en"): "Beta", ("faq/a.md", "ru"): "Альфа"}
    pages = {(p.src, p.lang): p for p in section_indexes(
        titles, ("en", "ru"), "Help", public=True)}
    assert set(pages) == {("faq/index.md", "en"), ("faq/index.ru.md", "ru"),
                          ("index.md", "en"), ("index.ru.md", "ru")}
    ru = pages[("faq/index.ru.md", "ru")].markdown
    assert "[Альфа](a.md)" in ru and "[Beta](b.md)" in ru  # untranslated: English title
    assert "[Faq](faq/index.md)" in pages[("index.md", "en")].markdown


# -- page markdown -----------------------------------------------------------------------


def test_strip_comments_keeps_lines_and_code_blocks():
    text = "a <!-- secret -->\n<!-- two\nlines -->\n```\n<!-- code -->\n```\nz"
    out = strip_comments(text)
    assert "secret" not in out and "two" not in out
    assert "<!-- code -->" in out
    assert out.count("\n") == text.count("\n")


def test_links_from_docs_to_playbooks_follow_the_site_layout(tmp_path):
    root = make_kb(tmp_path, {
        "docs/index.md": article("Home", "See [the playbook](../playbooks/p.md#tiers) and "
                                         "[a page](guide/g.md).\n"),
        "docs/guide/g.md": article("G"),
        "playbooks/p.md": article("P", priority="P1"),
    })
    kb = open_kb(root)
    home = kb.corpus.get("docs/index.md")
    staged = StagedSite(SITES["internal"], tmp_path, ("en",), {"index.md": home})
    out = map_links(staged, home, "index.md", home.body)
    assert "(playbooks/p.md#tiers)" in out and "(guide/g.md)" in out


def test_strip_comments_hides_the_rest_after_an_unclosed_comment():
    text = "Shown <!-- closed --> too\n\n```\n<!-- code\n```\n\nShown <!-- never closed\n\nsecret\n"
    out = strip_comments(text)
    assert out == "Shown  too\n\n```\n<!-- code\n```\n\nShown \n\n\n"


def test_links_are_rewritten_where_their_targets_are_written(tmp_path):
    body = ("[../playbooks/p.md](../playbooks/p.md) `[x](../playbooks/p.md)` [r][p]\n\n"
            "[p]: ../playbooks/p.md#tiers\n")
    root = make_kb(tmp_path, {"docs/index.md": article("Home", body),
                              "playbooks/p.md": article("P", priority="P1")})
    home = open_kb(root).corpus.get("docs/index.md")
    staged = StagedSite(SITES["internal"], tmp_path, ("en",), {"index.md": home})
    assert map_links(staged, home, "index.md", home.body) == (
        "[../playbooks/p.md](playbooks/p.md) `[x](../playbooks/p.md)` [r][p]\n\n"
        "[p]: playbooks/p.md#tiers\n")


def test_relative_paths_are_the_ones_posixpath_gives():
    # map_links' relative path skips posixpath.relpath's two os.getcwd() per link; it must
    # give the very same paths, ".." included.
    from itertools import product

    from kbtools.sites.render import _relative
    paths = ["a.md", "faq/a.md", "faq/b/c.md", "playbooks/p.md", "faq/faq/a.md", "../x.md"]
    bases = ["", "faq", "faq/b", "playbooks", "faq/faq", "guide/deep/er", ".."]
    for path, base in product(paths, bases):
        assert _relative(path, base) == posixpath.relpath(path, base or "."), (path, base)


def test_copy_box_marks_the_reply_for_the_copy_button():
    assert copy_box("Hi there\n").startswith('<div class="kb-copy" data-kb-copy="" markdown="1">')


# -- banners ------------------------------------------------------------------------------


def test_banner_strings_exist_for_every_language_with_the_same_placeholders():
    english = package_catalog("en").strings
    for lang in ("en", "ar", "fa", "ru", "sl"):
        texts = package_catalog(lang).strings
        assert texts.keys() == english.keys(), lang
        assert "{owner}" in texts["banner.overdue"] and "{due}" in texts["banner.overdue"], lang
        assert "{link}" in texts["banner.outdated"], lang
        assert "{language}" in texts["banner.fallback"], lang


def _banner_kb(tmp_path):
    return open_kb(make_kb(tmp_path, {
        "docs/faq/a.md": article("A", "Source text, changed since.\n", audience="public",
                                 owner="ann", reviewed="2025-01-10"),
        "docs/faq/a.ru.md": article("А", "Перевод.\n",
                                    translation={"source_hash": "0000", "machine": True}),
    }))


def test_banners_in_the_readers_language(tmp_path):
    kb = _banner_kb(tmp_path)
    source, ru = kb.corpus.get("docs/faq/a.md"), kb.corpus.get("docs/faq/a.ru.md")
    today = date(2026, 11, 23)
    kinds = {b.kind: b.html for b in page_banners(
        kb, ru, reader_lang="ru", internal=True, today=today, source_href="../../faq/a/")}
    assert set(kinds) == {"outdated", "machine"}  # the translation has no review date
    assert 'href="../../faq/a/"' in kinds["outdated"] and "английскую версию" in kinds["outdated"]
    internal = {b.kind: b.html for b in page_banners(
        kb, source, reader_lang="fa", internal=True, today=today)}
    assert set(internal) == {"fallback", "overdue"}
    assert "Ann Example" in internal["overdue"] and "2025-07-09" in internal["overdue"]
    assert "فارسی" in internal["fallback"]
    public = page_banners(kb, source, reader_lang="en", internal=False, today=today)
    assert public == []  # customers never see review dates or owners


# -- sanitizer ------------------------------------------------------------------------------


def test_sanitizer_keeps_material_components_and_removes_script():
    html = ('<div class="admonition note"><p class="admonition-title">N</p></div>'
            '<div class="tabbed-set tabbed-alternate" data-tabs="1:2"><input checked="checked" '
            'id="__tabbed_1_1" name="__tabbed_1" type="radio"><div class="tabbed-labels">'
            '<label for="__tabbed_1_1">One</label></div></div>'
            '<div class="highlight"><pre><span></span><code><span class="n">x</span></code></pre></div>'
            '<h2 id="a">A<a class="headerlink" href="#a">¶</a></h2>'
            '<script>alert(1)</script><p onclick="alert(2)">t<!-- hidden --></p>'
            '<a href="javascript:alert(3)">j</a><iframe src="https://x"></iframe>')
    out = sanitize(html)
    for kept in ('class="admonition note"', 'data-tabs="1:2"', 'type="radio"',
                 'for="__tabbed_1_1"', '<span class="n">x</span>', 'id="a"', 'href="#a"'):
        assert kept in out, kept
    for gone in ("<script", "alert(", "onclick", "hidden", "javascript:", "<iframe"):
        assert gone not in out, gone


# -- selection and blocking -------------------------------------------------------------------


def test_public_selection_has_only_public_pages_and_the_files_they_use(tmp_path):
    kb = open_kb(make_kb(tmp_path, {
        "docs/faq/a.md": article("A", "![shot](../img/public.png)\n", audience="public"),
        "docs/faq/a.ru.md": article("А"),
        "docs/guide/b.md": article("B", "![shot](../img/internal.png)\n"),
        "docs/img/public.png": b"png", "docs/img/internal.png": b"png",
        "playbooks/p.md": article("P", priority="P1"),
    }))
    public = select(kb, SITES["public"])
    assert [a.path for a in public.articles] == ["docs/faq/a.md", "docs/faq/a.ru.md"]
    assert public.assets == ("docs/img/public.png",)
    internal = select(kb, SITES["internal"])
    assert {a.path for a in internal.articles} >= {"docs/guide/b.md", "playbooks/p.md"}
    assert set(internal.assets) == {"docs/img/public.png", "docs/img/internal.png"}


def test_errors_block_only_the_sites_that_publish_the_page(tmp_path):
    kb = open_kb(make_kb(tmp_path, {
        "docs/faq/a.md": article("A", audience="public"),
        "docs/guide/b.md": article("B", owner="nobody"),
    }))
    from kbtools.content.check import check

    findings = check(kb).findings
    assert blocking_findings(SITES["public"], select(kb, SITES["public"]), findings) == []
    internal = blocking_findings(SITES["internal"], select(kb, SITES["internal"]), findings)
    assert [(f.path, f.code) for f in internal] == [("docs/guide/b.md", "meta.unknown-owner")]


def test_a_playbook_marked_public_refuses_the_public_build(tmp_path):
    kb = open_kb(make_kb(tmp_path, {
        "docs/faq/a.md": article("A", audience="public"),
        "playbooks/p.md": article("P", audience="public", priority="P1"),
    }))
    with pytest.raises(ContentError) as caught:
        build(kb, ("public",), out=tmp_path / "out")
    codes = {(f.path, f.code) for f in caught.value.findings}
    assert ("playbooks/p.md", "playbook.public") in codes
    assert not (tmp_path / "out" / "site-public").exists()


def test_a_public_page_linking_to_an_internal_one_names_both_files(tmp_path):
    kb = open_kb(make_kb(tmp_path, {
        "docs/faq/a.md": article("A", "Intro.\n\nSee [the guide](../guide/b.md).\n",
                                 audience="public"),
        "docs/guide/b.md": article("B"),
    }))
    with pytest.raises(ContentError) as caught:
        build(kb, ("public",), out=tmp_path / "out")
    [finding] = caught.value.findings
    assert finding.format().startswith("docs/faq/a.md:7: error: public page links to internal "
                                       "page docs/guide/b.md")
    assert finding.code == "site.public-links-internal"


def test_unknown_site_is_a_usage_error(tmp_path):
    kb = open_kb(make_kb(tmp_path, {"docs/faq/a.md": article("A")}))
    with pytest.raises(UsageError, match="unknown site staging"):
        build(kb, ("staging",))


def test_fallback_copies_leave_the_search_index_in_one_pass():
    from kbtools.sites.search_entries import Copies

    entries = [
        {"location": "faq/a/", "title": "A", "text": "English"},
        {"location": "ru/faq/a/", "title": "А", "text": "Русский"},  # a translation: kept
        {"location": "guide/b/", "title": "B", "text": "Internal"},
        {"location": "ru/guide/b/", "title": "B", "text": "Internal"},  # fallback copy
        {"location": "fa/guide/b/", "title": "B", "text": "Internal"},  # fallback copy
        {"location": "fa/", "title": "Home", "text": "x"},
    ]
    entries = Copies(["en", "ru", "fa"]).drop(entries)
    assert [e["location"] for e in entries] == ["faq/a/", "ru/faq/a/", "guide/b/", "fa/"]


def test_pages_shown_in_english_under_another_language_leave_the_search_index():
    from kbtools.sites.search_entries import Copies

    entries = [{"location": "guide/b/", "title": "B", "text": "x"},
               {"location": "ru/guide/b/", "title": "B", "text": "banner x"},
               {"location": "ru/guide/b/#part", "title": "Part", "text": "y"}]
    entries = Copies(["en", "ru"], {"ru/guide/b/"}).drop(entries)
    assert [e["location"] for e in entries] == ["guide/b/"]


def rewrite_search_index(site_dir, languages, fallback_urls=frozenset(), *, per_language):
    """The search index Material wrote in ``site_dir`` (every language's entries at once)
    rewritten by :class:`SearchOutput`, as the build does: ``(output, what finish returns)``."""
    from kbtools.sites.search_entries import SEARCH_INDEX
    from kbtools.sites.search_output import SearchOutput, read_search_index

    output = SearchOutput(site_dir, languages, per_language=per_language,
                          fallback_urls=fallback_urls)
    output.add(read_search_index(site_dir / SEARCH_INDEX))
    return output, output.finish()


def test_the_written_search_index_loses_its_fallback_copies_and_keeps_its_config(tmp_path):
    import json

    from kbtools.sites.search_entries import SEARCH_INDEX

    def prune_search_index(site_dir, languages, fallback_urls=frozenset()):
        output, written = rewrite_search_index(site_dir, languages, fallback_urls,
                                               per_language=False)
        return None if written is None else output.dropped

    assert prune_search_index(tmp_path, ["en", "ru"]) is None  # no search plugin, no index
    index = {"config": {"lang": ["en", "ru"], "separator": "[\\s\\-]+"},
             "docs": [{"location": "guide/b/", "title": "B", "text": "x"},
                      {"location": "ru/guide/b/", "title": "B", "text": "banner x"},
                      {"location": "ru/faq/a/", "title": "А", "text": "Русский"}]}
    (tmp_path / SEARCH_INDEX).parent.mkdir(parents=True)
    (tmp_path / SEARCH_INDEX).write_text(json.dumps(index), encoding="utf-8")
    assert prune_search_index(tmp_path, ["en", "ru"], {"ru/guide/b/"}) == 1
    written = json.loads((tmp_path / SEARCH_INDEX).read_text(encoding="utf-8"))
    assert written["config"] == index["config"]
    assert [d["location"] for d in written["docs"]] == ["guide/b/", "ru/faq/a/"]
    (tmp_path / SEARCH_INDEX).write_text('{"docs": 3}', encoding="utf-8")
    with pytest.raises(ValueError, match="expected a search index"):
        prune_search_index(tmp_path, ["en"])


@pytest.mark.parametrize("public", [False, True])
def test_a_search_index_fed_a_language_at_a_time_is_the_one_made_of_all_at_once(
        tmp_path, public):
    # The build gives the output each language's entries as that language's build ends
    # (so only one language's are in memory): the index written is the one the entries of
    # every language at once make, byte for byte: copies dropped (a fallback URL, or the
    # English entry at the same place), order kept, spelling variants on the public site.
    import json

    from kbtools.sites.search_entries import SEARCH_INDEX
    from kbtools.sites.search_output import SearchOutput

    config = {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"],
              "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}}
    chunks = {
        "en": [{"location": "guide/b/", "title": "B", "text": "x"},
               {"location": "faq/a/", "title": "A", "text": "Refunds <code>ok</code>"}],
        "ru": [{"location": "ru/guide/b/", "title": "B", "text": "x"},  # the English one
               {"location": "ru/faq/a/", "title": "А", "text": "Ёлка и возврат"},
               {"location": "ru/faq/c/", "title": "C", "text": "копия"}],  # a fallback URL
        "sl": [{"location": "sl/faq/a/", "title": "Plačilo", "text": "Vračilo"}],
    }
    fallback = {"ru/faq/c/"}
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    (whole / SEARCH_INDEX).parent.mkdir(parents=True)
    (whole / SEARCH_INDEX).write_text(json.dumps(
        {"config": config, "docs": [e for chunk in chunks.values() for e in chunk]}))
    output = SearchOutput(parts, ["en", "ru", "sl"], per_language=public,
                          fallback_urls=fallback)
    for chunk in chunks.values():
        output.add({"config": config, "docs": [dict(e) for e in chunk]})
    counts = output.finish()
    at_once, at_once_counts = rewrite_search_index(whole, ["en", "ru", "sl"], fallback,
                                                   per_language=public)
    assert counts == at_once_counts
    assert output.dropped == at_once.dropped == 2
    if public:
        assert counts == {"en": 2, "ru": 1, "sl": 1}
        folders = [".", "ru", "sl"]
    else:
        assert counts == {"": 4}
        folders = ["."]
    for folder in folders:
        written = (parts / folder / SEARCH_INDEX).read_bytes()
        assert written == (whole / folder / SEARCH_INDEX).read_bytes()
        index = json.loads(written)
        assert written == json.dumps(index, separators=(",", ":"),
                                     ensure_ascii=not public).encode()
    assert sorted(p.name for p in parts.rglob("*") if p.is_file()) == \
        ["search_index.json"] * len(folders)  # no temporary file left


# -- the public site's search: one index per language, spellings readers type -------------
@pytest.mark.parametrize(("word", "variants"), [
    ("plačilo", ("placilo",)),                        # Slovenian, typed without carons
    ("ŽIVJO", ("ZIVJO",)),
    ("Đakovo", ("Dakovo",)),
    ("ёлка", ("елка",)),                              # Russian ё typed as е
    ("йогурт", ()),                                   # й is a letter of its own
    ("امنیت", ("امنيت",)),                            # Persian yeh, as an Arabic keyboard types it
    ("امنيت", ("امنیت",)),                            # and the other way round
    ("کلمة", ("كلمة", "كلمه", "کلمه")),               # keheh, kaf; teh marbuta as heh
    ("مُحَمَّد", ("محمد",)),                           # harakat are rarely typed
    ("أسعار", ("اسعار",)),                            # alef with hamza as plain alef
    ("پرسش\u200cهای", ("پرسش\u200cهاي", "پرسشهاي", "پرسشهای")),  # also without the ZWNJ
    ("refund", ()),
    ("vprašanja?", ("vprasanja?",)),                  # punctuation stays: lunr keeps it too
])
def test_spelling_variants_are_the_other_ways_readers_type_a_word(word, variants):
    from kbtools.sites.search_entries import spelling_variants

    assert spelling_variants(word) == variants


def test_spelling_variants_go_into_their_own_fields_and_the_shown_text_stays():
    from kbtools.sites.search_entries import add_spelling_variants

    entries = [
        {"location": "faq/a/", "title": "Plačilo in račun",
         "text": "<p>Kako plačam?</p> <code>šifra-računa</code> Brez napak.",
         "tags": ["plačila", "billing"]},
        {"location": "faq/b/", "title": "Hello", "text": "<p>Plain words only.</p>"},
    ]
    shown = [dict(e) for e in entries]
    added = add_spelling_variants(entries, ["title", "text", "tags"], r"[\s\-]+")
    assert added == ["title_variants", "text_variants", "tags_variants"]
    assert entries[0] == {**shown[0], "title_variants": "Placilo racun",
                          "text_variants": "placam? sifra racuna", "tags_variants": "placila"}
    assert entries[1] == shown[1]  # nothing to vary: no field at all


def test_each_language_gets_its_own_index_with_its_lunr_settings():
    from kbtools.sites.search_entries import language_config, language_entries

    config = {"lang": ["en", "ar", "ru"], "separator": "[\\s\\-]+",
              "pipeline": ["stopWordFilter"],
              "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}}
    docs = [{"location": "", "title": "Home", "text": "Hi"},
            {"location": "faq/a/", "title": "Payment", "text": "Pay"},
            {"location": "ru/faq/a/", "title": "Оплата", "text": "Платёж"},
            {"location": "ru/faq/a/#part", "title": "Часть", "text": "Ещё"},
            {"location": "sl/faq/a/", "title": "Plačilo", "text": "Plačam"},
            {"location": "fa/", "title": "خانه", "text": "سلام"}]
    indexes = {lang: {"config": language_config(config, lang, added), "docs": own}
               for lang, own, added in language_entries(docs, ("en", "ru", "sl", "fa"), config)}
    assert {lang: [d["location"] for d in index["docs"]] for lang, index in indexes.items()} == {
        "en": ["", "faq/a/"], "ru": ["faq/a/", "faq/a/#part"], "sl": ["faq/a/"], "fa": [""]}
    # Languages lunr knows keep the configured pipeline (their stop words); for the others,
    # English's trimmer would cut č off word ends and its stop words are not theirs.
    assert {lang: (i["config"]["lang"], i["config"]["pipeline"]) for lang, i in indexes.items()} \
        == {"en": (["en"], ["stopWordFilter"]), "ru": (["ru"], ["stopWordFilter"]),
            "sl": (["en"], []), "fa": (["en"], [])}
    assert indexes["en"]["config"]["fields"] == config["fields"]
    assert indexes["sl"]["config"]["fields"] == {**config["fields"],
                                                 "title_variants": {"boost": 1000.0},
                                                 "text_variants": {"boost": 1.0}}
    assert indexes["sl"]["docs"] == [{"location": "faq/a/", "title": "Plačilo", "text": "Plačam",
                                      "title_variants": "Placilo", "text_variants": "Placam"}]
    assert indexes["ru"]["docs"][0]["text_variants"] == "Платеж"
    assert docs[2]["location"] == "ru/faq/a/"  # the input is left as it was


def test_the_public_index_is_written_once_per_language_into_its_folder(tmp_path):
    import json
    import stat

    from kbtools.sites.search_entries import SEARCH_INDEX, SEPARATOR

    def write_language_indexes(site_dir, languages, fallback_urls=frozenset()):
        return rewrite_search_index(site_dir, languages, fallback_urls, per_language=True)[1]

    assert write_language_indexes(tmp_path, ["en", "ru"]) is None  # no index, nothing written
    index = {"config": {"lang": ["en", "ru"], "pipeline": ["stopWordFilter"],
                        "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
             "docs": [{"location": "guide/b/", "title": "B", "text": "x"},
                      {"location": "ru/guide/b/", "title": "B", "text": "banner x"},
                      {"location": "ru/faq/a/", "title": "А", "text": "Ёж"},
                      {"location": "sl/guide/b/", "title": "B", "text": "x"}]}
    (tmp_path / SEARCH_INDEX).parent.mkdir(parents=True)
    (tmp_path / SEARCH_INDEX).write_text(json.dumps(index), encoding="utf-8")
    (tmp_path / SEARCH_INDEX).chmod(0o644)
    counts = write_language_indexes(tmp_path, ["en", "ru", "sl"], {"ru/guide/b/"})
    assert counts == {"en": 1, "ru": 1, "sl": 0}  # sl's page is a copy of the English one

    def written(folder):
        path = tmp_path / folder / SEARCH_INDEX
        assert stat.S_IMODE(path.stat().st_mode) == 0o644  # a web server can read it
        return json.loads(path.read_text(encoding="utf-8"))

    assert written(".")["docs"] == [{"location": "guide/b/", "title": "B", "text": "x"}]
    assert written("ru") == {
        "config": {"lang": ["ru"], "separator": SEPARATOR, "pipeline": ["stopWordFilter"],
                   "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0},
                              "text_variants": {"boost": 1.0}}},
        "docs": [{"location": "faq/a/", "title": "А", "text": "Ёж", "text_variants": "Еж"}]}
    assert written("sl")["docs"] == []
    (tmp_path / SEARCH_INDEX).write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a search index"):
        write_language_indexes(tmp_path, ["en"])


def test_freed_memory_goes_back_to_the_system_where_the_c_library_allows():
    # Between the languages of a build, the memory glibc's allocator holds freed is given
    # back (malloc_trim); with another C library the call does nothing, and never fails.
    import platform

    from kbtools.memory import _malloc_trim, release_freed

    glibc = platform.libc_ver()[0] == "glibc"
    assert (_malloc_trim() is not None) == glibc
    release_freed()
    release_freed()  # (any number of times)
