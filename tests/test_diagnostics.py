"""One format for every problem: the emitter's text, JSON and GitHub output (golden, through
the real CLI), and settings files that report all their problems at once."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.config import load_config
from kbtools.diagnostics import Finding, Severity, error, notice, render, summary, warning
from kbtools.errors import ConfigError
from kbtools.registry import DEFAULT, open_kb
from kbtools.search.synonyms import parse_synonyms
from tests.support import article, make_kb


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


BROKEN = {
    "docs/a.md": "---\ntitle: A\naudience: Public\n---\n",
    "docs/b.md": article("B", owner="nobody"),
    "docs/c.md": article("C", owner="ann", reviewed="2999-01-01"),
}

TEXT = """\
docs/a.md:3: error: unknown audience 'Public' (expected public|internal) [meta.audience]
docs/b.md:3: error: unknown owner 'nobody': declare it in owners.yml [meta.unknown-owner]
docs/c.md:4: warning: reviewed date 2999-01-01 is in the future [meta.future-date]
"""

GITHUB = """\
::error file=docs/a.md,line=3,title=meta.audience::unknown audience 'Public' (expected public|internal)
::error file=docs/b.md,line=3,title=meta.unknown-owner::unknown owner 'nobody': declare it in owners.yml
::warning file=docs/c.md,line=4,title=meta.future-date::reviewed date 2999-01-01 is in the future
"""


def finding_json(path, line, code, message, severity="error", col=None, source=None):
    return {"path": path, "line": line, "code": code, "message": message,
            "severity": severity, "col": col, "source": source}


# -- golden CLI output ---------------------------------------------------------------------------

def test_check_text_is_lines_then_a_count_on_stderr(tmp_path):
    make_kb(tmp_path, BROKEN)
    result = run("--root", str(tmp_path), "check", "--format", "text")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, TEXT, "2 error(s), 1 warning(s) in 3 articles\n")
    default = run("--root", str(tmp_path), "check")
    assert (default.exit_code, default.stdout, default.stderr) == (
        result.exit_code, result.stdout, result.stderr)


def test_check_json_is_the_report_with_findings_in_the_one_shape(tmp_path):
    make_kb(tmp_path, BROKEN)
    result = run("--root", str(tmp_path), "check", "--format", "json")
    assert (result.exit_code, result.stderr) == (1, "")
    assert json.loads(result.stdout) == {"articles": 3, "errors": 2, "warnings": 1, "findings": [
        finding_json("docs/a.md", 3, "meta.audience",
                     "unknown audience 'Public' (expected public|internal)"),
        finding_json("docs/b.md", 3, "meta.unknown-owner",
                     "unknown owner 'nobody': declare it in owners.yml"),
        finding_json("docs/c.md", 4, "meta.future-date",
                     "reviewed date 2999-01-01 is in the future", "warning"),
    ]}
    assert run("--root", str(tmp_path), "check", "--json").stdout == result.stdout


def test_check_github_is_one_workflow_command_per_finding(tmp_path):
    make_kb(tmp_path, BROKEN)
    result = run("--root", str(tmp_path), "check", "--format", "github")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, GITHUB, "2 error(s), 1 warning(s) in 3 articles\n")


def test_json_and_another_format_disagree(tmp_path):
    make_kb(tmp_path, BROKEN)
    result = run("--root", str(tmp_path), "check", "--json", "--format", "github")
    assert result.exit_code == 2
    assert result.stderr == "kb: error: --json and --format github disagree: give one of them\n"


THREE_BAD_KEYS = """\
langauges: [en]
due_soon: 14d
review_every:
  faqs: 10d
max_file_bytes: lots
"""

UNKNOWN = ("unknown setting 'langauges' (known: catalogs_dir, content_roots, due_soon, "
           "extra_fields, facts_dir, internal_facts, languages, macros_module, max_file_bytes, "
           "owners_file, review_every, search_intents, state_dir, strict, synonyms_file, translate, "
           "translations)")
KIND = "unknown kind 'faqs' (expected one of faq, script, tone, path, playbook, article)"
SIZE = "max_file_bytes must be a positive number, got 'lots'"


def test_kb_yml_with_three_bad_keys_reports_all_three_at_their_lines(tmp_path):
    make_kb(tmp_path, {"kb.yml": THREE_BAD_KEYS})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, DEFAULT.names)
    assert [f.format() for f in caught.value.findings] == [
        f"kb.yml:1: error: {UNKNOWN} [config.unknown-setting]",
        f"kb.yml:4: error: {KIND} [config.unknown-kind]",
        f"kb.yml:5: error: {SIZE} [config.value]",
    ]

    text = run("--root", str(tmp_path), "check")
    assert (text.exit_code, text.stdout) == (2, "")
    assert text.stderr == (
        f"kb.yml:1: error: {UNKNOWN} [config.unknown-setting]\n"
        f"kb.yml:4: error: {KIND} [config.unknown-kind]\n"
        f"kb.yml:5: error: {SIZE} [config.value]\n"
        "kb: error: kb.yml cannot be used until its 3 problems are fixed\n")

    as_json = run("--root", str(tmp_path), "check", "--format", "json")
    assert as_json.exit_code == 2
    assert json.loads(as_json.stdout) == [
        finding_json("kb.yml", 1, "config.unknown-setting", UNKNOWN),
        finding_json("kb.yml", 4, "config.unknown-kind", KIND),
        finding_json("kb.yml", 5, "config.value", SIZE),
    ]
    assert as_json.stderr == "kb: error: kb.yml cannot be used until its 3 problems are fixed\n"

    github = run("--root", str(tmp_path), "lint", "--format", "github")
    assert github.exit_code == 2
    assert github.stdout == (
        "::error file=kb.yml,line=1,title=config.unknown-setting::" + UNKNOWN + "\n"
        "::error file=kb.yml,line=4,title=config.unknown-kind::" + KIND + "\n"
        "::error file=kb.yml,line=5,title=config.value::" + SIZE + "\n")


def test_nested_settings_problems_are_all_collected(tmp_path):
    make_kb(tmp_path, {"kb.yml": textwrap.dedent("""\
        languages: []
        translations:
          layout: sideways
          colour: blue
        translate:
          provider: ''
          model: x
          options: {api_key: secret, url: 'http://x'}
        """)})
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, DEFAULT.names)
    assert [(f.line, f.code) for f in caught.value.findings] == [
        (1, "config.value"), (3, "config.value"), (4, "config.unknown-setting"),
        (6, "config.value"), (7, "config.unknown-setting"), (8, "config.credential")]


def test_lint_format_github(tmp_path):
    tone = ("---\ntitle: Tone\nowner: ann\nrules:\n  - id: filler-words\n"
            "    kind: substitution\n    message: 'Filler words: remove them, please.'\n"
            "    ignorecase: true\n    swap: {\"just\": \"\"}\n---\nProse.\n")
    make_kb(tmp_path, {"docs/tone/rules.md": tone,
                       "docs/faq/x.md": "---\ntitle: X\nowner: ann\n---\nIt is just fine.\n"})
    result = run("--root", str(tmp_path), "lint", "--format", "github")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "::warning file=docs/faq/x.md,line=5,col=7,title=lint.filler-words::Filler words: "
        "remove them, please. (remove 'just'; rule from docs/tone/rules.md)\n",
        "0 error(s), 1 warning(s) in 1 article(s), 1 rule(s)\n")
    text = run("--root", str(tmp_path), "lint")
    assert text.stdout == (
        "docs/faq/x.md:5:7: warning: Filler words: remove them, please. (remove 'just'; rule "
        "from docs/tone/rules.md) [lint.filler-words]\n")


def test_build_refusal_in_each_format(tmp_path):
    root = make_kb(tmp_path, {
        "docs/faq/a.md": article("A", "See [b](../guide/b.md).\n", audience="public"),
        "docs/guide/b.md": article("B"),
    })
    args = ("--root", str(root), "build", "--only", "public")
    line = ("docs/faq/a.md:5: error: public page links to internal page docs/guide/b.md; "
            "customers cannot open it. Remove the link or make the target public "
            "[site.public-links-internal]")
    stopped = ("kb: error: the public site was not built: 1 error(s) in its pages (fix them, "
               "then build again)\n")
    text = run(*args)
    assert (text.exit_code, text.stdout, text.stderr) == (1, "", line + "\n" + stopped)
    as_json = run(*args, "--json")
    assert as_json.exit_code == 1 and as_json.stderr == stopped
    assert [f["code"] for f in json.loads(as_json.stdout)] == ["site.public-links-internal"]
    github = run(*args, "--format", "github")
    assert github.exit_code == 1 and github.stderr == stopped
    assert github.stdout.startswith(
        "::error file=docs/faq/a.md,line=5,title=site.public-links-internal::public page links")


def test_a_mkdocs_warning_is_printed_once_in_the_one_format(tmp_path):
    # A link a macro makes: only rendering shows where it goes, so MkDocs is first to see it
    # (kb check reports a written broken link itself, at its line).
    root = make_kb(tmp_path, {
        "docs/faq/a.md": article("A", 'See [gone]({{ "nope" }}.md).\n', audience="public",
                                 owner="ann"),
    })
    result = run("--root", str(root), "build", "--only", "public")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    # the link is written as a macro, so no written link names 'nope.md': no line to give
    assert lines[0].startswith("docs/faq/a.md: error: MkDocs: Doc file 'docs/faq/a.md' contains "
                               "a link 'nope.md'")
    assert lines[0].endswith("[site.mkdocs]")
    assert lines[1] == ("kb: error: the public site was not built: MkDocs reported 1 "
                        "problem(s) (strict mode)")
    assert result.output.count("contains a link") == 1  # MkDocs said it twice (per language)


def test_stale_github_is_one_annotation_per_article_reason(tmp_path):
    make_kb(tmp_path, {
        "docs/a.md": article("A", owner="ann", reviewed="2026-01-01"),
        "docs/b.md": article("B", reviewed="2026-11-20"),
    })
    args = ("--root", str(tmp_path), "stale", "--as-of", "2026-11-23")
    result = run(*args, "--format", "github", "--fail-on", "overdue")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=docs/a.md,line=4,title=stale.overdue::146 day(s) past its review date "
        "2026-06-30 (reviewed 2026-01-01) (owner: ann)\n"
        "::warning file=docs/b.md,line=1,title=stale.no-owner::no owner: add `owner: HANDLE` "
        "(a handle from owners.yml)\n")
    assert "2 of 2 need attention on 2026-11-23" in result.stderr
    # the default text output stays the grouped report, --json the documented JSON
    assert "ann (Ann Example): 1" in run(*args).stdout
    assert list(json.loads(run(*args, "--format", "json").stdout)) == ["articles"]


def test_path_check_format_github(tmp_path):
    make_kb(tmp_path, {"docs/onboarding/first.md": (
        "---\ntitle: First\nowner: ann\nlevel: wizard\nstages:\n  - title: S\n    steps:\n"
        "      - {article: docs/a.md, minutes: 5}\n---\n"),
        "docs/a.md": article("A", owner="ann", reviewed="2999-01-01")})
    result = run("--root", str(tmp_path), "path", "first", "--check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=docs/onboarding/first.md,line=4,title=path.level::")
    view = run("--root", str(tmp_path), "path", "first", "--format", "github")
    assert view.exit_code == 2
    assert view.stderr == ("kb: error: --format github reports problems: use it with NAME "
                           "--check\n")


# -- settings files report everything -----------------------------------------------------------

def test_synonyms_report_every_bad_group():
    text = "groups:\n  - [refund, money back]\n  - refund\n  - [a, b]\n  - {x: 1}\n"
    with pytest.raises(ConfigError) as caught:
        parse_synonyms(text, "synonyms.yml")
    assert [(f.path, f.line, f.code) for f in caught.value.findings] == [
        ("synonyms.yml", 3, "synonyms.group"), ("synonyms.yml", 5, "synonyms.group")]
    assert str(caught.value).startswith(
        "synonyms.yml cannot be used until its 2 problems are fixed\n"
        "synonyms.yml:3: error: group 2 must be a list of words or phrases, got 'refund' "
        "[synonyms.group]")


def test_owners_and_facts_report_every_problem_without_stopping(tmp_path):
    make_kb(tmp_path, {
        "owners.yml": ("people:\n  ann: {name: Ann, team: [a, b], active: maybe}\n"
                       "  bob: {name: Bob, team: support}\n"
                       "teams:\n  support: {name: S, fallback: [ann]}\n"),
        "macros/data/support.yml": (
            "timezone: Mars/Olympus\nhours: {days: [mon, fun], open: '8 am', close: '20:00'}\n"
            "sla:\n  P1: {first_response: soon, resolution: 4h}\n  P2: {name: High}\n"
            "after_hours_required: P1\n"),
    })
    kb = open_kb(tmp_path)
    assert [(f.path, f.line, f.code) for f in kb.findings] == [
        ("owners.yml", 2, "owners.shape"), ("owners.yml", 2, "owners.shape"),
        ("owners.yml", 5, "owners.shape"),
        ("macros/data/support.yml", 1, "facts.hours"), ("macros/data/support.yml", 2, "facts.hours"),
        ("macros/data/support.yml", 2, "facts.hours"),
        ("macros/data/support.yml", 4, "facts.sla"), ("macros/data/support.yml", 5, "facts.sla"),
        ("macros/data/support.yml", 5, "facts.sla"), ("macros/data/support.yml", 6, "facts.sla"),
    ]


# -- the emitter --------------------------------------------------------------------------------

def test_text_line_has_the_column_when_known():
    assert error("a.md", 3, "x.y", "bad", col=7).format() == "a.md:3:7: error: bad [x.y]"
    assert warning("a.md", 0, "x.y", "whole file").format() == "a.md: warning: whole file [x.y]"


def test_github_escapes_data_and_properties():
    finding = Finding("docs/a,b:c.md", 2, "x:y,z", "100% sure\r\nnext line", Severity.ERROR,
                      col=4)
    assert render([finding], "github") == (
        "::error file=docs/a%2Cb%3Ac.md,line=2,col=4,title=x%3Ay%2Cz::100%25 sure%0D%0Anext line\n")
    assert render([notice("a.md", 0, "n", "fyi")], "github") == "::notice file=a.md,title=n::fyi\n"


def test_json_without_a_report_is_a_list_and_summary_counts_notices():
    findings = [error("a.md", 1, "e", "m"), warning("a.md", 2, "w", "m"), notice("a.md", 3, "n", "m")]
    assert [f["severity"] for f in json.loads(render(findings, "json"))] == [
        "error", "warning", "notice"]
    assert summary(findings, "1 article") == "1 error(s), 1 warning(s), 1 notice(s) in 1 article"
    assert render([], "text") == "" and render([], "github") == ""
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render(findings, "xml")
