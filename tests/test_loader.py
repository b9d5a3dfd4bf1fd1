"""The one loader: typed articles, and every bad file reported with its exact path and line."""

from __future__ import annotations

from datetime import date

import pytest

from kbtools.content.check import check
from kbtools.content.config import load_config
from kbtools.content.durations import Cadence
from kbtools.content.model import content_hash
from kbtools.errors import ConfigError
from kbtools.registry import DEFAULT, open_kb
from tests.support import article, make_kb


def findings_of(root):
    return [f.format() for f in check(open_kb(root)).findings]


def test_kinds_come_from_folders(tmp_path):
    make_kb(tmp_path, {
        "docs/faq/a.md": article("A", audience="public"),
        "docs/scripts/b.md": article("B", channel="email"),
        "docs/tone/c.md": article("C"),
        "docs/onboarding/d.md": article("D"),
        "playbooks/e.md": article("E"),
        "docs/products/f.md": article("F"),
        "docs/index.md": article("Home"),
    })
    corpus = open_kb(tmp_path).corpus
    kinds = {a.path: a.kind for a in corpus.articles}
    assert kinds == {
        "docs/faq/a.md": "faq", "docs/scripts/b.md": "script", "docs/tone/c.md": "tone",
        "docs/onboarding/d.md": "path", "playbooks/e.md": "playbook",
        "docs/products/f.md": "article", "docs/index.md": "article",
    }


def test_typed_metadata_and_defaults(tmp_path):
    make_kb(tmp_path, {"docs/faq/a.md": article(
        "Reset", audience="public", owner="ann", reviewed="2026-01-02", review_every="6w",
        tags=["login", "account"], body="# Reset\n\nText.\n")})
    a = open_kb(tmp_path).corpus.get("docs/faq/a.md")
    assert (a.title, a.audience, a.owner, a.lang) == ("Reset", "public", "ann", "en")
    assert a.reviewed == date(2026, 1, 2)
    assert a.review_every == Cadence(6, "w")
    assert a.tags == ("login", "account")
    assert a.body_line == 11 and a.body.startswith("# Reset")
    assert a.line_of("owner") == 4 and a.line_of("tags") == 7


def test_audience_defaults_to_internal(tmp_path):
    make_kb(tmp_path, {"docs/faq/a.md": article("No audience")})
    assert open_kb(tmp_path).corpus.get("docs/faq/a.md").audience == "internal"


def test_translation_inherits_audience_and_owner_and_records_pin(tmp_path):
    make_kb(tmp_path, {
        "docs/faq/a.md": article("Reset", audience="public", owner="bob"),
        "docs/faq/a.ru.md": article("Сброс", translation={
            "source_commit": "abc123", "source_hash": "ff00", "machine": True}),
    })
    corpus = open_kb(tmp_path).corpus
    ru = corpus.get("docs/faq/a.ru.md")
    assert (ru.lang, ru.source, ru.audience, ru.owner, ru.kind) == (
        "ru", "docs/faq/a.md", "public", "bob", "faq")
    assert (ru.pin.source_commit, ru.pin.source_hash, ru.pin.machine) == ("abc123", "ff00", True)
    assert ru.name == "a"
    assert corpus.translations_of("docs/faq/a.md") == {"ru": ru}
    assert findings_of(tmp_path) == []


def test_folder_layout_and_foreign_commit_key(tmp_path):
    make_kb(tmp_path, {
        "kb.yml": "languages: [en, ru]\ntranslations:\n  layout: folder\n"
                  "  folders: {ru: docs/ru}\n  source_commit_key: l10n.sourceCommit\n",
        "docs/guide/a.md": article("Guide"),
        "docs/ru/guide/a.md": article("Гид", l10n={"sourceCommit": "c0ffee"}),
    })
    ru = open_kb(tmp_path).corpus.get("docs/ru/guide/a.md")
    assert (ru.lang, ru.source, ru.pin.source_commit) == ("ru", "docs/guide/a.md", "c0ffee")


def test_content_hash_ignores_formatting_not_substance():
    base = content_hash("# Title\n\nPay with *card* or\nbank transfer.\n")
    assert content_hash("## Title\n\nPay with **card** or bank   transfer.") == base
    assert content_hash("# Title\n\nPay with card or bank transfer within 3 days.") != base


BAD_CASES = {
    "invalid yaml": (
        "docs/a.md", "---\ntitle: A\ntags: [x, y\nowner: ann\n---\nBody\n",
        # at the line of the unclosed bracket, not the next one where the parser gave up
        "docs/a.md:3: error: invalid YAML: a flow sequence opened on this line is not closed "
        "(did not find expected ',' or ']', 1 line below) [meta.yaml]"),
    "unclosed quote": (
        "docs/a.md", '---\ntitle: "A\nowner: ann\naudience: public\nreviewed: 2026-11-01\n---\n',
        "docs/a.md:2: error: invalid YAML: a quoted scalar opened on this line is not closed "
        "(found unexpected end of stream, 4 lines below) [meta.yaml]"),
    "wrong type": (
        "docs/a.md", "---\ntitle: A\ntags: {a: 1}\n---\n",
        "docs/a.md:3: error: tags must be a list of words, got {'a': 1} [meta.tags]"),
    "bad date": (
        "docs/a.md", "---\ntitle: A\nowner: ann\nreviewed: 2026-13-45\n---\n",
        "docs/a.md:4: error: invalid date '2026-13-45' for reviewed: expected YYYY-MM-DD [meta.date]"),
    "unknown audience": (
        "docs/faq/refund.md", "---\ntitle: A\naudience: Public\n---\n",
        "docs/faq/refund.md:3: error: unknown audience 'Public' (expected public|internal) [meta.audience]"),
    "empty file": (
        "docs/a.md", "",
        "docs/a.md:1: error: empty file: expected front matter starting with --- [file.empty]"),
    "no front matter": (
        "docs/a.md", "# Just a heading\n",
        "docs/a.md:1: error: no front matter: the file must start with a --- line and a title [meta.missing]"),
    "missing title": (
        "docs/a.md", "---\nowner: ann\n---\nBody\n",
        "docs/a.md:1: error: missing title [meta.title]"),
    "unknown field with hint": (
        "docs/a.md", "---\ntitle: A\nreveiwed: 2026-01-01\n---\n",
        "docs/a.md:3: error: unknown field 'reveiwed' for a article (did you mean 'reviewed'?) [meta.unknown-field]"),
    "duplicate key": (
        "docs/a.md", "---\ntitle: A\nowner: ann\nowner: bob\n---\n",
        "docs/a.md:4: error: field 'owner' is given twice; the last value would win [meta.duplicate-key]"),
    "unknown owner": (
        "docs/a.md", "---\ntitle: A\nowner: zed\n---\n",
        "docs/a.md:3: error: unknown owner 'zed': declare it in owners.yml [meta.unknown-owner]"),
    "unknown macro": (
        "docs/a.md", "---\ntitle: A\n---\nLine one.\nCall us {{ support.hour }}.\n",
        "docs/a.md:5: error: unknown fact support.hour (support has: company, email, timezone, hours, hours_text, sla, after_hours_required) [macro.unknown]"),
    "translation without source": (
        "docs/faq/gone.ru.md", "---\ntitle: Пропало\n---\n",
        "docs/faq/gone.ru.md:1: error: translation of docs/faq/gone.md, which does not exist (renamed or deleted?); move or delete the translation [translation.no-source]"),
    "playbook marked public": (
        "playbooks/p.md", "---\ntitle: P\naudience: public\npriority: P3\n"
        "triggers: [customer sees an error]\ntiers:\n  - contact: tier1\n    within: 1h\n"
        "    do: Look at it.\nclose_when: Fixed.\n---\n",
        "playbooks/p.md:3: error: playbooks are internal and can never be public; remove 'audience: public' [playbook.public]"),
    "bad cadence": (
        "docs/a.md", "---\ntitle: A\nreview_every: soon\n---\n",
        "docs/a.md:3: error: invalid review cadence 'soon': expected a number and a unit, d (days), w (weeks), m (months) or y (years), e.g. 90d or 6m [meta.review-every]"),
    "internal facts on a public page": (
        "docs/faq/a.md", "---\ntitle: A\naudience: public\n---\nCall {{ contacts.tier1.name }}\n",
        "docs/faq/a.md:5: error: public page uses internal facts 'contacts'; customers must never see them [macro.internal]"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_each_bad_file_is_reported_at_its_line_and_the_rest_still_loads(tmp_path, case):
    path, text, expected = BAD_CASES[case]
    make_kb(tmp_path, {path: text, "docs/good.md": article("Good one", owner="ann")})
    assert findings_of(tmp_path) == [expected]
    assert open_kb(tmp_path).corpus.get("docs/good.md").title == "Good one"


def test_non_utf8_file_names_the_line_of_the_bad_byte(tmp_path):
    make_kb(tmp_path, {"docs/a.md": b"---\ntitle: A\n---\nline\ncaf\xe9\n",
                       "docs/good.md": article("Good")})
    assert findings_of(tmp_path) == [
        "docs/a.md:5: error: not UTF-8 (byte 0xe9 at offset 25); save the file as UTF-8 [file.encoding]"]


def test_a_5_mb_file_is_reported_not_parsed(tmp_path):
    big = "---\ntitle: Big\n---\n" + ("log line\n" * 600_000)
    make_kb(tmp_path, {"docs/big.md": big, "docs/good.md": article("Good")})
    assert findings_of(tmp_path) == [
        "docs/big.md: error: file is 5.4 MB, over the 2.0 MB limit for an article; "
        "split it or move attachments out [file.too-large]"]


def test_duplicate_titles_in_one_language(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("Refunds"), "docs/b/c.md": article("refunds")})
    assert findings_of(tmp_path) == [
        "docs/b/c.md:2: error: title 'refunds' is already used by docs/a.md; readers and search "
        "cannot tell them apart [meta.duplicate-title]"]


def test_every_bad_file_at_once_is_reported(tmp_path):
    files, expected = {}, []
    for number, (path, text, finding) in enumerate(BAD_CASES.values()):
        unique = path.replace("docs/a.md", f"docs/case{number}.md")
        files[unique] = text.replace("title: A\n", f"title: Case {number}\n")
        expected.append(finding.replace("docs/a.md", unique))
    make_kb(tmp_path, files)
    assert sorted(findings_of(tmp_path)) == sorted(expected)


def test_inactive_owner_is_known_and_resolves_to_team_fallback(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A", owner="gone")})
    kb = open_kb(tmp_path)
    assert findings_of(tmp_path) == []
    assert kb.owners.responsible("gone") == "ann"
    assert kb.owners.responsible("support") == "ann"


def test_unknown_language_suffix_is_a_warning(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A"), "docs/a.de.md": article("A de")})
    assert findings_of(tmp_path) == [
        "docs/a.de.md: warning: '.de.md' looks like a translation, but 'de' is not among the "
        "configured languages (en, ru, fa); add it to kb.yml [file.language]"]


def test_config_errors_name_file_and_line(tmp_path):
    make_kb(tmp_path, {"kb.yml": "languages: [en]\nreview_every:\n  faqs: 10d\n"})
    with pytest.raises(ConfigError, match=r"kb.yml:3: error: unknown kind 'faqs'") as caught:
        load_config(tmp_path, DEFAULT.names)
    assert [(f.path, f.line, f.code) for f in caught.value.findings] == [
        ("kb.yml", 3, "config.unknown-kind")]


def test_owners_file_problems_are_findings(tmp_path):
    make_kb(tmp_path, {"owners.yml": "people:\n  ann: {name: Ann, team: nowhere}\nteams: {}\n",
                       "docs/a.md": article("A", owner="ann")})
    assert findings_of(tmp_path) == [
        "owners.yml:2: error: ann: unknown team 'nowhere' [owners.unknown-team]"]


def test_the_example_knowledge_base_is_clean():
    from tests.support import REPO

    report = check(open_kb(REPO))
    assert [f.format() for f in report.findings if f.is_error] == []
    assert report.articles >= 40


def test_the_parse_cache_gives_the_same_corpus_and_findings_as_parsing(tmp_path):
    from kbtools.content.config import load_config
    from kbtools.content.corpus import load_corpus
    from kbtools.registry import DEFAULT

    files = {f"docs/faq/q{i}.md": article(f"Question {i}", f"Answer {i}.\n", audience="public",
                                          owner="ann", tags=["t"]) for i in range(30)}
    files.update({f"docs/faq/q{i}.ru.md": article(f"Вопрос {i}") for i in range(0, 30, 3)})
    files.update({path: text for path, text, _ in BAD_CASES.values()})
    files["docs/bad.md"] = b"---\ntitle: A\n---\n\xff\n"
    make_kb(tmp_path, files)
    config = load_config(tmp_path)
    serial = load_corpus(config, DEFAULT, cache=False)
    load_corpus(config, DEFAULT)  # parses every file and fills the cache
    cached = load_corpus(config, DEFAULT)  # every file from the cache

    def shape(corpus):
        return ([(a.path, a.title, a.lang, a.audience, a.owner, a.tags, a.body, a.source,
                  a.pin, a.details) for a in corpus.articles], corpus.findings)

    assert shape(cached) == shape(serial)
    assert len(serial.articles) > 40 and len(serial.findings) > 5
