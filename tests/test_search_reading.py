"""How the engine reads a query, on a copy of the example KB: results that do not depend on
``-n``, the query's own language, synonyms anywhere in a sentence, corrections only for
unknown words, and kind intent."""

from __future__ import annotations

import pytest

from kbtools.content.config import load_config
from kbtools.errors import ConfigError
from kbtools.registry import open_kb
from kbtools.search import search
from tests.support import REPO, copy_example


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return open_kb(copy_example(tmp_path_factory.mktemp("example")))


@pytest.mark.parametrize("text", [
    "cant log in, says acount locked", "customer charged twice", "refund", "invoice",
    "how do i get my money back", "password", "vračilo denarja", "как вернуть деньги",
])
def test_results_and_total_do_not_depend_on_n(kb, text):
    three, ten = search(kb, text, limit=3), search(kb, text, limit=10)
    assert three.total == ten.total
    assert [h.path for h in three.results] == [h.path for h in ten.results[:3]]
    assert len(ten.results) == min(10, ten.total)


def test_the_account_locked_script_is_found_with_three_results(kb):
    top = [h.path for h in search(kb, "cant log in, says acount locked", limit=3).results]
    assert top[0] == "docs/scripts/account-locked.md"


@pytest.mark.parametrize("text", [
    "how do i get my money back", "what to do when a payment fails", "do i need to pay to export",
])
def test_an_english_question_stays_english(kb, text):
    found = search(kb, text, limit=10)
    assert found.language == "en"
    assert found.results and {h.lang for h in found.results} == {"en"}


@pytest.mark.parametrize(("text", "lang"), [
    ("كيف أسترد أموالي من Brightloop Pay", "ar"),
    ("چطور پولم را پس بگیرم", "fa"),
    ("چطور رمز عبورم را عوض كنم", "fa"),  # Persian typed with an Arabic kaf
    ("kako dobim vracilo denarja", "sl"),
    ("не могу войти в аккаунт", "ru"),
])
def test_a_query_is_read_in_its_own_language(kb, text, lang):
    found = search(kb, text, limit=10)
    assert found.language == lang
    assert found.results and {h.lang for h in found.results} == {lang}


def test_lang_still_overrides_the_reading(kb):
    found = search(kb, "refund", lang="sl", limit=10)
    assert found.language == "sl"
    assert {h.lang for h in found.results} <= {"sl"}


@pytest.mark.parametrize("text", ["into", "didnt sync", "it wont open", "sync", "cancel into",
                                  "payroll"])
def test_a_real_word_is_never_corrected(kb, text):
    assert search(kb, text, limit=5).suggestion is None


def test_an_unknown_word_is_corrected_within_the_query_language(kb):
    found = search(kb, "refnud policy", limit=5)
    assert found.suggestion == "refund policy"
    assert found.results[0].path == "docs/faq/refund-policy.md"


def test_a_synonym_inside_a_sentence_finds_the_synonyms_articles(kb):
    text = (REPO / "docs/faq/refund-policy.md").read_text(encoding="utf-8").lower()
    assert "money back" not in text and "refund" in text
    found = search(kb, "the customer says she just wants her money back", limit=5)
    assert "docs/faq/refund-policy.md" in [h.path for h in found.results]


def test_kind_intent_favours_the_kind_asked_for(kb):
    reply = search(kb, "reply template for a card that was declined", limit=3)
    assert reply.results[0].kind == "script"
    assert reply.results[0].path == "docs/scripts/payment-failed-card-declined.md"
    many = search(kb, "many customers say their card payment failed", limit=3)
    assert many.results[0].path == "playbooks/payment-failures.md"


def test_search_intents_in_kb_yml_replace_a_kinds_own(tmp_path):
    (tmp_path / "kb.yml").write_text("languages: [en]\nsearch_intents:\n  script: [boilerplate]\n"
                                     "  faq: nope\n  release: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, ("faq", "script"))
    assert [(f.line, f.code) for f in caught.value.findings] == [
        (4, "config.value"), (5, "config.unknown-kind")]
    (tmp_path / "kb.yml").write_text("languages: [en]\nsearch_intents:\n  script: [boilerplate]\n",
                                     encoding="utf-8")
    assert load_config(tmp_path, ("script",)).search_intents == {"script": ("boilerplate",)}


def test_the_lexicon_keeps_common_words_in_the_state_folder(tmp_path):
    from kbtools.search.lexicon import Lexicon

    first = Lexicon(tmp_path)
    assert first.is_word("en", "sync") and first.is_word("en", "Payroll")
    assert not first.is_word("en", "acount") and not first.is_word("en", "recieve")
    assert first.is_word("sl", "plačilo") and not first.is_word("xx", "sync")
    [cached] = tmp_path.glob("lexicon-en-*.pickle")
    again = Lexicon(tmp_path)
    assert again.words("en") == first.words("en")
    cached.write_bytes(b"not a pickle")  # a damaged cache is rebuilt, never an error
    assert Lexicon(tmp_path).is_word("en", "sync")


def test_scripts_of_languages_beyond_the_examples():
    from kbtools.search.analysis import script_of_language, script_of_word
    from kbtools.search.language import read

    # Bengali, Japanese kana and Georgian are their own scripts: a Latin query is never read
    # as one of them, nor one of them as Latin
    assert [script_of_word(w) for w in ("কালেক্টর", "トレース", "ひらがな", "ენა")] == \
        ["beng", "hani", "hani", "geor"]
    assert script_of_language("bn") == "beng" and script_of_language("ka") == "geor"
    everywhere = lambda lang, term: True  # noqa: E731 - every language has every word
    assert read(("collector",), ("en", "bn"), everywhere).language == "en"
    assert read(("কালেক্টর",), ("en", "bn"), everywhere).language == "bn"
