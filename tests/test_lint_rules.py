"""Tone rules are validated where they are written: bad rules are findings with path:line."""

from __future__ import annotations

import re

from kbtools.content.check import check
from kbtools.registry import open_kb
from kbtools.scripts.lint import lint
from kbtools.scripts.tone import Rule, rules_of
from tests.support import make_kb


def tone(rules: str, title: str = "Tone") -> str:
    return f"---\ntitle: {title}\nowner: ann\nrules:\n{rules}---\nProse.\n"


def rule_findings(tmp_path, files):
    make_kb(tmp_path, files)
    report = check(open_kb(tmp_path))
    return [f.format() for f in report.findings if f.code.startswith("tone.")]


def test_valid_rules_become_typed_objects(tmp_path):
    make_kb(tmp_path, {"docs/tone/t.md": tone(
        "  - id: greeting\n    kind: occurrence\n    level: error\n    message: Greet.\n"
        "    tokens: ['^Hi']\n    min: 1\n    applies_to: {kinds: [script], langs: [en]}\n"
        "  - id: filler\n    kind: substitution\n    message: Remove.\n    ignorecase: true\n"
        "    swap: {just: ''}\n")})
    kb = open_kb(tmp_path)
    greeting, filler = rules_of(kb)
    assert isinstance(greeting, Rule)
    assert (greeting.id, greeting.kind, greeting.severity.value, greeting.line) == \
        ("greeting", "occurrence", "error", 5)
    assert greeting.tokens[0].pattern == "^Hi" and greeting.min == 1 and greeting.max is None
    assert greeting.applies_to.kinds == {"script"} and greeting.applies_to.langs == {"en"}
    assert filler.severity.value == "warning" and filler.source == "docs/tone/t.md"
    assert filler.swaps[0].pattern.flags & re.IGNORECASE
    assert filler.swaps[0].pattern.search("JUST do it") and not filler.swaps[0].pattern.search(
        "adjust")


def test_unknown_kind(tmp_path):
    assert rule_findings(tmp_path, {"docs/tone/t.md": tone(
        "  - id: a\n    kind: capitalization\n    message: m\n")}) == [
        "docs/tone/t.md:6: error: rule 'a': unknown kind 'capitalization' "
        "(expected existence|substitution|occurrence) [tone.rule-kind]"]


def test_bad_regex_points_at_the_token(tmp_path):
    assert rule_findings(tmp_path, {"docs/tone/t.md": tone(
        "  - id: a\n    kind: existence\n    message: m\n    tokens:\n      - ok\n"
        "      - '(unclosed'\n")}) == [
        "docs/tone/t.md:10: error: rule 'a': bad regular expression '(unclosed': missing ), "
        "unterminated subpattern at position 0 [tone.rule-regex]"]


def test_token_matching_empty_text_is_refused(tmp_path):
    assert rule_findings(tmp_path, {"docs/tone/t.md": tone(
        "  - id: a\n    kind: occurrence\n    message: m\n    tokens: ['x*']\n    max: 1\n")}) == [
        "docs/tone/t.md:8: error: rule 'a': 'x*' matches empty text, so it would match "
        "everywhere [tone.rule-regex]"]


def test_bad_swap_phrase_regex(tmp_path):
    found = rule_findings(tmp_path, {"docs/tone/t.md": tone(
        "  - id: a\n    kind: substitution\n    message: m\n    swap:\n      'к [сожалению': x\n")})
    assert len(found) == 1
    assert found[0].startswith("docs/tone/t.md:9: error: rule 'a': bad regular expression "
                               "'к [сожалению'")


def test_missing_fields(tmp_path):
    assert rule_findings(tmp_path, {"docs/tone/t.md": tone(
        "  - kind: existence\n"
        "  - id: b\n    kind: substitution\n    message: m\n"
        "  - id: c\n    kind: occurrence\n    message: m\n    tokens: [x]\n")}) == [
        "docs/tone/t.md:5: error: rules.0: missing id [tone.rule-id]",
        "docs/tone/t.md:5: error: rules.0: missing message: say why, so the writer can act on "
        "the finding [tone.rule-message]",
        "docs/tone/t.md:5: error: rules.0: needs tokens: a non-empty list of regular "
        "expressions [tone.rule-tokens]",
        "docs/tone/t.md:6: error: rule 'b': needs swap: a mapping of phrase -> suggestion ('' "
        "to remove) [tone.rule-swap]",
        "docs/tone/t.md:9: error: rule 'c': an occurrence rule needs min, max or both "
        "[tone.rule-field]",
    ]


def test_unknown_fields_levels_scopes_and_filters(tmp_path):
    assert rule_findings(tmp_path, {"docs/tone/t.md": tone(
        "  - id: a\n    kind: occurrence\n    message: m\n    tokens: [x]\n    max: 1\n"
        "    level: suggestion\n    scope: paragraph\n    swap: {a: b}\n"
        "    applies_to: {kinds: [playbook], tones: [warm]}\n")}) == [
        "docs/tone/t.md:10: error: rule 'a': unknown level 'suggestion' (expected "
        "error|warning) [tone.rule-level]",
        "docs/tone/t.md:11: error: rule 'a': unknown scope 'paragraph' (expected "
        "text|sentence|line) [tone.rule-scope]",
        "docs/tone/t.md:12: error: rule 'a': unknown field 'swap' for a occurrence rule "
        "(allowed: applies_to, id, ignorecase, kind, level, max, message, min, scope, tokens) "
        "[tone.rule-field]",
        "docs/tone/t.md:13: error: rule 'a': kb lint checks only faq, script, not playbook "
        "[tone.rule-applies]",
        "docs/tone/t.md:13: error: rule 'a': unknown filter 'tones' (expected kinds, "
        "situations, channels, langs) [tone.rule-applies]",
    ]


def test_kb_wide_checks_ids_languages_channels_situations(tmp_path):
    script = ("---\ntitle: S\nowner: ann\nchannel: email\nsituation: refund\n---\nHi.\n")
    found = rule_findings(tmp_path, {
        "docs/scripts/s.md": script,
        "docs/tone/a.md": tone("  - id: dup\n    kind: existence\n    message: m\n"
                               "    tokens: [x]\n"
                               "    applies_to: {langs: [de], channels: [fax], "
                               "situations: [refnud]}\n", "A"),
        "docs/tone/b.md": tone("  - id: dup\n    kind: existence\n    message: m\n"
                               "    tokens: [y]\n", "B"),
    })
    assert found == [
        "docs/tone/a.md:5: error: rule 'dup': unknown channel 'fax' (expected "
        "email|chat|phone) [tone.rule-applies]",
        "docs/tone/a.md:5: error: rule 'dup': unknown language 'de' (kb.yml languages: en, "
        "ru, fa) [tone.rule-applies]",
        "docs/tone/a.md:5: warning: rule 'dup': no answer script has situation 'refnud' "
        "(known: refund); a typo? [tone.rule-situation]",
        "docs/tone/b.md:5: error: rule id 'dup' is already used at docs/tone/a.md:5; findings "
        "could not say which rule they come from [tone.rule-id]",
    ]


def test_lint_reports_bad_rules_too_and_keeps_the_good_ones(tmp_path):
    make_kb(tmp_path, {
        "docs/tone/t.md": tone("  - id: bad\n    kind: existence\n    message: m\n"
                               "    tokens: ['(']\n"
                               "  - id: good\n    kind: existence\n    message: No lol.\n"
                               "    tokens: ['lol']\n"),
        "docs/faq/f.md": "---\ntitle: F\nowner: ann\n---\nlol\n",
    })
    report = lint(open_kb(tmp_path))
    lines = [f.format() for f in report.findings]
    assert report.errors == 1 and report.rules == 1
    assert lines[0] == ("docs/faq/f.md:5:1: warning: No lol. (found 'lol'; rule from "
                        "docs/tone/t.md) [lint.good]")
    assert lines[1].startswith("docs/tone/t.md:8: error: rule 'bad': bad regular expression")
