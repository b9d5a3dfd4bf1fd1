"""The public site's search indexes as written by a real build (no browser): each language's
``config`` (lunr language, separator, pipeline) and the words lunr will index from it, split
the way Material's search splits them (the separator is a regular expression JavaScript and
Python read the same way)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.sites.mkconfig import fit_plugins
from kbtools.sites.search_entries import (
    SEARCH_INDEX,
    SEPARATOR,
    language_separator,
)
from kbtools.sites.site import SITES
from tests.support import article, make_kb

FILES = {
    "kb.yml": "languages: [en, ar, fa, ru]\n",
    "docs/faq/index.md": article("Questions", "- [Your statement](statement.md)\n",
                                 audience="public"),
    "docs/faq/statement.md": article(
        "Where is my statement?", "Open the menu (Statements) and pick “Monthly”: 2.5 MB.\n",
        audience="public"),
    "docs/faq/statement.ru.md": article(
        "Где моя выписка?", "Откройте раздел «Выписки», затем—«Ежемесячно».\n"),
    "docs/faq/statement.ar.md": article(
        "أين كشف الحساب؟", "افتح القائمة (الكشوفات)، ثم اختر «شهري»؛ هذا كل شيء.\n"),
    "docs/faq/statement.fa.md": article(
        "صورت‌حساب من کجاست؟", "منو را باز کنید، «ماهانه» را انتخاب کنید؛ برنامه به‌روزرسانی شد.\n"),
    # Public but not translated: English copies under ar/, fa/, ru/ stay out of their indexes.
    "docs/faq/untranslated.md": article("Quarterly summaries", "Quarterly.\n", audience="public"),
    # Internal: never in the public site's indexes.
    "docs/team/handover.md": article("Shift handover", "Handover notes.\n", audience="internal"),
}


@pytest.fixture(scope="module")
def indexes(tmp_path_factory) -> dict[str, dict]:
    root = make_kb(tmp_path_factory.mktemp("search-entries"), FILES)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--only", "public"])
    assert result.exit_code == 0, result.output
    site = root / "site-public"
    return {lang: json.loads((site / prefix / SEARCH_INDEX).read_text(encoding="utf-8"))
            for lang, prefix in (("en", ""), ("ar", "ar"), ("fa", "fa"), ("ru", "ru"))}


def words(index: dict, location: str) -> set[str]:
    """The words lunr indexes for the entry at ``location``: every field (variants included),
    markup dropped, split at the index's separator, lower-cased as Material's tokenizer does."""
    separator = re.compile(index["config"]["separator"])
    entry = next(doc for doc in index["docs"] if doc["location"] == location)
    found: set[str] = set()
    for value in entry.values():
        for text in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            found |= {w.lower() for w in separator.split(re.sub(r"<[^>]*>", " ", text)) if w}
    return found


def test_each_language_index_has_its_lunr_language_and_separator(indexes):
    configs = {lang: index["config"] for lang, index in indexes.items()}
    assert {lang: (c["lang"], c["pipeline"]) for lang, c in configs.items()} == {
        "en": (["en"], ["stopWordFilter"]), "ar": (["ar"], ["stopWordFilter"]),
        "ru": (["ru"], ["stopWordFilter"]),
        "fa": (["en"], []),  # lunr has no Persian; English stop words and trimmer would harm
    }
    assert configs["en"]["separator"] == configs["ar"]["separator"] == SEPARATOR
    assert configs["ru"]["separator"] == SEPARATOR
    assert configs["fa"]["separator"] == SEPARATOR + "|\\u200c"


@pytest.mark.parametrize(("lang", "location", "expected", "not_expected"), [
    ("en", "faq/statement/", {"statements", "monthly", "statement", "2.5"},
     {"(statements)", "“monthly”:", "statement?"}),
    ("ru", "faq/statement/", {"выписки", "ежемесячно", "выписка"},
     {"«выписки»,", "затем—«ежемесячно»."}),
    ("ar", "faq/statement/", {"الكشوفات", "شهري", "الحساب"},
     {"(الكشوفات)،", "«شهري»؛", "الحساب؟"}),
    # Persian also splits at the ZWNJ; the word typed without it is indexed as a variant.
    ("fa", "faq/statement/", {"صورت", "حساب", "روزرسانی", "ماهانه", "صورتحساب", "بهروزرسانی"},
     {"صورت\u200cحساب", "«ماهانه»", "کجاست؟"}),
])
def test_words_are_indexed_without_the_punctuation_around_them(indexes, lang, location,
                                                               expected, not_expected):
    indexed = words(indexes[lang], location)
    assert expected <= indexed
    assert not indexed & not_expected


def test_the_indexes_hold_no_fallback_copies_and_no_internal_pages(indexes):
    locations = {lang: {doc["location"].split("#")[0] for doc in index["docs"]}
                 for lang, index in indexes.items()}
    assert "faq/untranslated/" in locations["en"]
    for lang in ("ar", "fa", "ru"):
        assert "faq/statement/" in locations[lang]
        assert "faq/untranslated/" not in locations[lang]
    for index in indexes.values():
        assert "handover" not in json.dumps(index, ensure_ascii=False).lower()


def test_the_separator_splits_like_a_reader_reads():
    assert re.split(SEPARATOR, "a (b) «в», ج؟ د، ه؛ 2.5 end. x&gt;y two-factor") == [
        "a", "b", "в", "ج", "د", "ه", "2.5", "end", "x", "y", "two", "factor"]
    persian = language_separator(SEPARATOR, "fa")
    assert [w for w in re.split(persian, "به\u200cروز «ماهانه»") if w] == ["به", "روز", "ماهانه"]
    assert language_separator(SEPARATOR, "ar") == SEPARATOR


def test_the_knowledge_bases_own_separator_wins():
    public = SITES["public"]
    fitted = fit_plugins(["search"], public, ("en", "fa"))
    assert fitted[0]["search"]["separator"] == SEPARATOR
    mine = fit_plugins([{"search": {"separator": "[\\s]+"}}], public, ("en", "fa"))
    assert mine[0]["search"]["separator"] == "[\\s]+"


def test_a_search_index_written_an_entry_at_a_time_is_json_dumps_bytes(tmp_path):
    """``atomic.write_json``, which the search indexes and the page cache's manifest (a
    dict streamed) are written with."""
    import json

    from kbtools.atomic import write_json

    def write_search_index(path, index, ensure_ascii=False):
        write_json(path, index, streamed="docs", ensure_ascii=ensure_ascii)

    index = {"config": {"lang": ["en"], "separator": "[\\s\\-]+"},
             "docs": [{"location": "a/", "title": "Возврат", "text": "<b>x</b> \u200c"},
                      {"location": "b/#c", "title": "B", "text": ""}]}
    for ascii_only in (True, False):
        write_search_index(tmp_path / "index.json", index, ensure_ascii=ascii_only)
        assert (tmp_path / "index.json").read_bytes() == json.dumps(
            index, separators=(",", ":"), ensure_ascii=ascii_only).encode()
    write_search_index(tmp_path / "empty.json", {"config": {}, "docs": []})
    assert json.loads((tmp_path / "empty.json").read_bytes()) == {"config": {}, "docs": []}
    manifest = {"version": 1, "pages": {"a/index.html": {"key": "k", "search": "[]"},
                                        "ru/б/index.html": {"key": "л"}}}
    write_json(tmp_path / "manifest.json", manifest, streamed="pages")
    assert (tmp_path / "manifest.json").read_bytes() == json.dumps(
        manifest, separators=(",", ":"), ensure_ascii=False).encode()
