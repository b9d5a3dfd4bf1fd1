"""`kb lint`: every rule kind and scope, in English and Russian, and what a rule applies to."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.errors import NotFoundError, UsageError
from kbtools.registry import open_kb
from kbtools.scripts.lint import format_finding, lint, prose
from tests.support import REPO, make_kb

TONE = """\
---
title: Tone rules
owner: ann
rules:
  - id: no-jokes
    kind: existence
    level: error
    message: No jokes when the customer is worried.
    ignorecase: true
    tokens: ['\\bhaha\\b', '\\bха-ха\\b', ':\\)']
    applies_to: {situations: [payment-failed]}
  - id: filler
    kind: substitution
    message: Remove filler words.
    ignorecase: true
    swap: {"just": "", "you failed to": "we could not"}
    applies_to: {langs: [en]}
  - id: ru-unfortunately
    kind: substitution
    message: Извиняйтесь от первого лица.
    ignorecase: true
    swap: {"к сожалению": "мне жаль, но"}
    applies_to: {langs: [ru]}
  - id: greeting
    kind: occurrence
    level: error
    message: Start with a greeting.
    tokens: ['^(Hi|Hello|Dear)\\b', '^(Здравствуйте|Добрый день)']
    min: 1
    applies_to: {kinds: [script]}
  - id: no-bang
    kind: occurrence
    level: error
    message: No exclamation marks here.
    tokens: ['!']
    max: 0
    applies_to: {situations: [payment-failed], channels: [email]}
  - id: short-sentences
    kind: occurrence
    message: Keep sentences short.
    scope: sentence
    tokens: ['\\w+']
    max: 6
    applies_to: {situations: [long-talk]}
  - id: short-lines
    kind: occurrence
    message: Keep lines short.
    scope: line
    tokens: ['\\S+']
    max: 9
    applies_to: {kinds: [faq]}
---
Prose for people.
"""


def script(body: str, situation: str = "payment-failed", channel: str = "email") -> str:
    return (f"---\ntitle: Script {abs(hash(body))}\nowner: ann\nchannel: {channel}\n"
            f"situation: {situation}\nplaceholders:\n"
            f"  customer_name: {{description: Name, fallback: there}}\n---\n{body}")


def ru(body: str) -> str:
    return ("---\ntitle: Перевод\nowner: ann\nplaceholders:\n"
            f"  customer_name: {{description: Имя, fallback: ''}}\n---\n{body}")


def run_lint(tmp_path, files, paths=()):
    make_kb(tmp_path, {"docs/tone/rules.md": TONE, **files})
    report = lint(open_kb(tmp_path), paths)
    return [format_finding(f) for f in report.findings]


SRC = "docs/tone/rules.md"
CLEAN = "Hi {{ customer_name }},\n\nThe card was declined.\n"


def test_clean_script_passes(tmp_path):
    assert run_lint(tmp_path, {"docs/scripts/ok.md": script(CLEAN)}) == []


def test_existence_english_and_russian(tmp_path):
    en = "Hi {{ customer_name }},\n\nHaha, the card failed :)\n"
    found = run_lint(tmp_path, {"docs/scripts/en.md": script(en),
                                "docs/scripts/en.ru.md": ru("Здравствуйте.\n\nХа-ха, бывает.\n")})
    assert found == [
        f"docs/scripts/en.md:11:1: error: No jokes when the customer is worried. "
        f"(found 'Haha'; rule from {SRC}) [lint.no-jokes]",
        f"docs/scripts/en.md:11:23: error: No jokes when the customer is worried. "
        f"(found ':)'; rule from {SRC}) [lint.no-jokes]",
        # the translation has its source's situation, so the rule reaches it too
        f"docs/scripts/en.ru.md:9:1: error: No jokes when the customer is worried. "
        f"(found 'Ха-ха'; rule from {SRC}) [lint.no-jokes]",
    ]


def test_substitution_english_and_russian(tmp_path):
    en = "Hi {{ customer_name }},\n\nIt seems you failed to\nJust retry.\n"
    found = run_lint(tmp_path, {
        "docs/scripts/en.md": script(en, situation="billing"),
        "docs/scripts/en.ru.md": ru("Здравствуйте.\n\nК сожалению, платёж\nне прошёл.\n"),
    })
    assert found == [
        f"docs/scripts/en.md:11:10: warning: Remove filler words. "
        f"(use 'we could not' instead of 'you failed to'; rule from {SRC}) [lint.filler]",
        f"docs/scripts/en.md:12:1: warning: Remove filler words. (remove 'Just'; "
        f"rule from {SRC}) [lint.filler]",
        f"docs/scripts/en.ru.md:9:1: warning: Извиняйтесь от первого лица. "
        f"(use 'мне жаль, но' instead of 'К сожалению'; rule from {SRC}) "
        f"[lint.ru-unfortunately]",
    ]


def test_substitution_matches_whole_words_only(tmp_path):
    body = "Hi {{ customer_name }},\n\nAdjust it. Justice.\n"
    assert run_lint(tmp_path, {"docs/scripts/s.md": script(body, situation="billing")}) == []


def test_occurrence_min_in_text_scope_english_and_russian(tmp_path):
    found = run_lint(tmp_path, {
        "docs/scripts/en.md": script("Thanks for writing.\n", situation="billing"),
        "docs/scripts/en.ru.md": ru("Спасибо за письмо.\n"),
        "docs/scripts/ok.md": script("Hello there.\n", situation="billing"),
        "docs/scripts/ok.ru.md": ru("Добрый день.\n"),
    })
    assert found == [
        f"docs/scripts/en.md:9:1: error: Start with a greeting. (found 0, expected at "
        f"least 1; rule from {SRC}) [lint.greeting]",
        f"docs/scripts/en.ru.md:7:1: error: Start with a greeting. (found 0, expected at "
        f"least 1; rule from {SRC}) [lint.greeting]",
    ]


def test_occurrence_max_points_at_the_first_one_too_many(tmp_path):
    body = "Hi {{ customer_name }}!\n\nDone! Thanks.\n"
    found = run_lint(tmp_path, {"docs/scripts/bang.md": script(body),
                                "docs/scripts/chat.md": script(body, channel="chat")})
    # the channel filter leaves the chat script alone
    assert found == [f"docs/scripts/bang.md:9:23: error: No exclamation marks here. "
                     f"(found 2, expected at most 0; rule from {SRC}) [lint.no-bang]"]


def test_occurrence_sentence_scope_english_and_russian(tmp_path):
    en = ("Hi {{ customer_name }},\n\nOne two three four five six seven eight.\n"
          "Short one here.\n")
    ru_body = ("Здравствуйте.\n\nРаз два три четыре пять шесть семь восемь.\n"
               "Коротко и ясно.\n")
    found = run_lint(tmp_path, {"docs/scripts/long.md": script(en, situation="long-talk"),
                                "docs/scripts/long.ru.md": ru(ru_body)})
    assert found == [
        f"docs/scripts/long.md:11:29: warning: Keep sentences short. (found 8, "
        f"expected at most 6; rule from {SRC}) [lint.short-sentences]",
        f"docs/scripts/long.ru.md:9:31: warning: Keep sentences short. (found 8, "
        f"expected at most 6; rule from {SRC}) [lint.short-sentences]",
    ]


def test_occurrence_line_scope_on_an_faq(tmp_path):
    faq = ("---\ntitle: Why?\nowner: ann\n---\n# Why?\n\n"
           "A line with exactly nine words in it, fine.\n"
           "Эта строка содержит ровно десять слов и потому слишком длинная.\n")
    found = run_lint(tmp_path, {"docs/faq/why.md": faq})
    # FAQ entries have no situation: the situation-bound rules never apply to them
    assert found == [f"docs/faq/why.md:8:56: warning: Keep lines short. (found 10, "
                     f"expected at most 9; rule from {SRC}) [lint.short-lines]"]


def test_prose_blanks_code_macros_links_and_admonition_markers():
    body = ("Hi {{ name }}, see [the guide](https://x.test/just) and `just`.\n"
            "!!! note \"Just so\"\n```\nhaha!\n```\n<!-- haha -->\n")
    text = prose(body)
    assert len(text) == len(body) and text.count("\n") == body.count("\n")
    assert "Hi __________, see [the guide]" in text
    assert "just" not in text and "haha" not in text and "!" not in text
    assert "\"Just so\"" in text


def test_markup_does_not_trigger_rules(tmp_path):
    body = ("Hi {{ customer_name }},\n\n!!! note \"Card\"\n    Use `just-retry` or "
            "[the page](https://x.test/haha).\n")
    assert run_lint(tmp_path, {"docs/scripts/m.md": script(body)}) == []


def test_paths_select_what_is_linted(tmp_path):
    files = {"docs/scripts/a.md": script("No greeting.\n", situation="billing"),
             "docs/faq/b.md": "---\ntitle: B\nowner: ann\n---\nOk.\n"}
    make_kb(tmp_path, {"docs/tone/rules.md": TONE, **files})
    kb = open_kb(tmp_path)
    assert lint(kb).checked == 2
    assert lint(kb, ["docs/faq"]).checked == 1
    assert lint(kb, [tmp_path / "docs/scripts/a.md"]).errors == 1
    with pytest.raises(NotFoundError):
        lint(kb, ["docs/scripts/zzz.md"])
    with pytest.raises(UsageError, match="is a tone; kb lint checks frequently asked questions, answer scripts"):
        lint(kb, ["docs/tone/rules.md"])


def test_cli_output_json_and_exit_codes(tmp_path):
    make_kb(tmp_path, {"docs/tone/rules.md": TONE,
                       "docs/scripts/bad.md": script("No greeting.\n", situation="billing"),
                       "docs/scripts/warn.md": script("Hi there,\n\nJust retry.\n",
                                                      situation="billing")})
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(tmp_path), "lint"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"docs/scripts/bad.md:9:1: error: Start with a greeting. (found 0, expected at "
        f"least 1; rule from {SRC}) [lint.greeting]",
        f"docs/scripts/warn.md:11:1: warning: Remove filler words. (remove 'Just'; "
        f"rule from {SRC}) [lint.filler]",
    ]
    assert "1 error(s), 1 warning(s) in 2 article(s), 7 rule(s)" in result.stderr
    only_warning = runner.invoke(main, ["--root", str(tmp_path), "lint",
                                        str(tmp_path / "docs/scripts/warn.md")])
    assert only_warning.exit_code == 0
    data = json.loads(runner.invoke(main, ["--root", str(tmp_path), "lint", "--json"]).stdout)
    assert data["errors"] == 1 and data["checked"] == 2
    assert data["findings"][0] == {
        "path": "docs/scripts/bad.md", "line": 9, "col": 1, "code": "lint.greeting",
        "message": f"Start with a greeting. (found 0, expected at least 1; rule from {SRC})",
        "severity": "error", "source": SRC}
    missing = runner.invoke(main, ["--root", str(tmp_path), "lint", "docs/nope.md"])
    assert missing.exit_code == 2 and "no such article" in missing.stderr


def test_example_kb_scripts_pass_the_example_rules():
    kb = open_kb(REPO)
    report = lint(kb, ["docs/scripts"])
    assert report.rules >= 15 and report.checked >= 17
    assert [format_finding(f) for f in report.findings] == []
    assert {a.lang for a in kb.corpus.of_kind("script")} >= {"en", "ru"}


def test_the_example_tone_rules_stop_a_loud_deflecting_reply(tmp_path):
    """What the voice principles say (calm punctuation, no chat noise, never deflect) is
    enforced, whatever the reply's situation."""
    import shutil

    for name in ("docs", "playbooks", "macros"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in ("kb.yml", "owners.yml", "synonyms.yml"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "docs/scripts/womp.md").write_text(
        "---\ntitle: Payment failed reply\nowner: nina\nreviewed: 2026-11-20\nchannel: email\n"
        "situation: billing\ntone: calm\nuse_when: A payment failed.\n---\nHi there,\n\n"
        "WOMP WOMP!!! Your payment failed lol, not our problem!!!\n\n"
        "The Brightloop support team\n", encoding="utf-8")
    report = lint(open_kb(tmp_path), ["docs/scripts/womp.md"])
    errors = [(f.line, f.col, f.code) for f in report.findings if f.severity == "error"]
    assert errors == [(12, 1, "lint.no-chat-noise"), (12, 10, "lint.calm-punctuation"),
                      (12, 34, "lint.no-chat-noise"), (12, 39, "lint.deflect-blame"),
                      (12, 54, "lint.calm-punctuation")]
    # a repeated sound effect is one thing to fix, named whole
    noise = [f.message for f in report.findings if f.code == "lint.no-chat-noise"]
    assert "found 'WOMP WOMP'" in noise[0] and "found 'lol'" in noise[1]
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "lint", "docs/scripts/womp.md"])
    assert result.exit_code == 1
