"""Translation verdicts on docs repositories of other shapes (Hugo, Docusaurus, a folder per
language), each made in the test with a real git history, and the content roots and
foreign-repo mode that let kb read them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check
from kbtools.errors import ConfigError
from kbtools.registry import open_kb
from kbtools.translations.report import translation_report
from tests.support import commit, edit, git, git_init, make_kb, write

HUGO_YML = """\
languages: [en, ja, zh]
strict: false
content_roots: [content]
translations:
  layout: folder
  source_folder: content/en
  folders: content/{lang}
  source_commit_key: default_lang_commit
"""

GUIDE = """\
---
title: Collector configuration
linkTitle: Configuration
weight: 20
---

Set up the collector with a *receiver* and an exporter.

{{< figure src="/img/collector.png" >}}

```yaml
receivers:
  hostmetrics:
    collection_interval: 10s
```

Restart it with `otelcol --config config.yaml`.
"""

GUIDE_JA = """\
---
title: コレクターの設定
weight: 20
default_lang_commit: {pin}  # patched by the translators
---

レシーバーとエクスポーターでコレクターを設定します。

```yaml
receivers:
  hostmetrics:
    collection_interval: 10s
```
"""


def hugo(tmp_path, pages=("guide",)):
    """content/en pages, each with a ja translation pinned (7 hex digits and a comment) to
    the commit that added it; no zh translations."""
    make_kb(tmp_path, {"kb.yml": HUGO_YML,
                       **{f"content/en/docs/{name}.md": GUIDE.replace("Collector", name.title())
                          for name in pages}})
    first = git_init(tmp_path)
    for name in pages:
        write(tmp_path, f"content/ja/docs/{name}.md",
              GUIDE_JA.replace("{pin}", first[:7]).replace("コレクター", name))
    commit(tmp_path, "ja")
    return tmp_path


def verdicts(root, **options):
    report = translation_report(open_kb(root, cache=False), **options)
    return {(i.path, i.lang): (i.status, i.note) for i in report.items}, report


def status(root, path, **options):
    found, _ = verdicts(root, **options)
    return next(v for (p, _), v in found.items() if p == path)


def cli(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), "translations", *args])


# -- Hugo: content/en and content/<lang>, a commit pin in a top-level key ----------------

def test_hugo_layout_reads_pins_with_comments_and_abbreviated_commits(tmp_path):
    root = hugo(tmp_path)
    found, report = verdicts(root)
    assert found[("content/ja/docs/guide.md", "ja")] == ("current", None)
    # zh is configured but has no translations yet: each is missing, and the run says so
    assert found[("content/zh/docs/guide.md", "zh")] == ("missing", None)
    assert any("no translations found for zh" in n and "content/zh/" in n for n in report.notes)


def test_a_title_only_change_outdates_and_prose_formatting_does_not(tmp_path):
    root = hugo(tmp_path)
    edit(root, "content/en/docs/guide.md", "Set up the collector with a *receiver*",
         "Set up the collector with a **receiver**")
    commit(root, "emphasis")
    assert status(root, "content/ja/docs/guide.md")[0] == "current"
    assert status(root, "content/ja/docs/guide.md", strict=True)[0] == "outdated"
    edit(root, "content/en/docs/guide.md", "title: Guide configuration",
         "title: Configuring the collector")
    commit(root, "title")
    assert status(root, "content/ja/docs/guide.md")[0] == "outdated"


def test_a_code_only_change_outdates_byte_for_byte(tmp_path):
    root = hugo(tmp_path)
    edit(root, "content/en/docs/guide.md", "  hostmetrics:", "  host_metrics:")
    commit(root, "rename the receiver in the example")
    assert status(root, "content/ja/docs/guide.md")[0] == "outdated"
    root2 = hugo(tmp_path / "inline")
    edit(root2, "content/en/docs/guide.md", "`otelcol --config config.yaml`",
         "`otelcol --config=config.yaml`")
    commit(root2, "inline code")
    assert status(root2, "content/ja/docs/guide.md")[0] == "outdated"


def test_a_weight_change_is_not_content_but_strict_sees_it(tmp_path):
    root = hugo(tmp_path)
    edit(root, "content/en/docs/guide.md", "weight: 20", "weight: 30")
    commit(root, "reorder")
    assert status(root, "content/ja/docs/guide.md")[0] == "current"
    assert status(root, "content/ja/docs/guide.md", strict=True)[0] == "outdated"


def test_a_page_moved_and_rewritten_in_one_commit_is_outdated_with_its_fate(tmp_path):
    root = hugo(tmp_path)
    git(root, "mv", "content/en/docs/guide.md", "content/en/docs/setup.md")
    git(root, "mv", "content/ja/docs/guide.md", "content/ja/docs/setup.md")
    write(root, "content/en/docs/setup.md",
          "---\ntitle: Setting up\n---\n\nEverything here is new: install, then run.\n")
    commit(root, "move and rewrite")
    state, note = status(root, "content/ja/docs/setup.md")
    assert state == "outdated"
    assert "moved from content/en/docs/guide.md and rewritten" in note


def test_a_pin_that_predates_the_source_is_outdated_and_fails_the_gate(tmp_path):
    root = hugo(tmp_path)
    early = git(root, "rev-list", "--max-parents=0", "HEAD")
    write(root, "content/en/docs/new.md", "---\ntitle: New page\n---\n\nFresh text.\n")
    write(root, "content/ja/docs/new.md",
          f"---\ntitle: 新しいページ\ndefault_lang_commit: {early}\n---\n\n新しい文章。\n")
    commit(root, "new page")
    state, note = status(root, "content/ja/docs/new.md")
    assert state == "outdated" and note.startswith("pin unusable")
    assert cli(root, "--fail-on", "outdated").exit_code == 1


def test_a_deleted_source_is_orphaned_with_where_it_went(tmp_path):
    root = hugo(tmp_path, pages=("guide", "other"))
    git(root, "rm", "-q", "content/en/docs/guide.md")
    commit(root, "drop guide")
    state, note = status(root, "content/ja/docs/guide.md")
    assert state == "orphaned" and note.startswith("source deleted in")


def test_every_markdown_file_gets_a_verdict_or_a_reason(tmp_path):
    root = hugo(tmp_path, pages=("guide", "other"))
    # a number as title, a capitalised key, a snippet without front matter, broken YAML
    write(root, "content/en/docs/year.md", "---\ntitle: 2024\n---\n\nThe year in review.\n")
    write(root, "content/en/docs/caps.md", "---\nTitle: Capitals\n---\n\n# Capitals here\n")
    write(root, "content/ja/docs/caps.md", "---\ntitle: 大文字\n---\n\n本文。\n")
    write(root, "content/en/docs/partial.md", "Just a snippet included elsewhere.\n")
    write(root, "content/ja/docs/partial.md", "挿入される断片。\n")
    write(root, "content/en/docs/broken.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    write(root, "content/ja/docs/broken.md", "---\ntitle: 壊れた\n---\n\n本文。\n")
    write(root, "content/ja/docs/unreadable.md", "---\ntitle: 壊れた: [\n---\n")
    commit(root, "odd files")
    kb = open_kb(root, cache=False)
    assert kb.corpus.get("content/en/docs/year.md").title == "2024"
    assert kb.corpus.get("content/en/docs/caps.md").title == "Capitals here"
    assert kb.corpus.get("content/en/docs/partial.md").title == "partial"
    found, _ = verdicts(root)
    assert found[("content/ja/docs/caps.md", "ja")][0] == "untracked"
    assert found[("content/ja/docs/partial.md", "ja")][0] == "untracked"
    source, translation = (found[("content/en/docs/broken.md", "en")],
                           found[("content/ja/docs/broken.md", "ja")])
    assert source[0] == "skipped" and source[1].startswith("skipped: ") and "yaml" in source[1]
    assert translation[0] == "skipped" and "is no article" in translation[1]
    assert found[("content/ja/docs/unreadable.md", "ja")][0] == "skipped"
    paths = [path for path, _ in found]
    assert len(paths) == len(set(paths))  # one entry per file and language
    files = {p.relative_to(root).as_posix() for p in root.glob("content/**/*.md")}
    assert files <= set(paths) | {a.path for a in kb.corpus.articles}


def test_strict_mode_skips_what_it_cannot_read_and_says_why(tmp_path):
    root = hugo(tmp_path)
    (root / "kb.yml").write_text(HUGO_YML.replace("strict: false", "strict: true"))
    write(root, "content/en/docs/partial.md", "Just a snippet included elsewhere.\n")
    write(root, "content/en/docs/caps.md", "---\nTitle: Capitals\n---\n")
    commit(root, "odd files")
    found, _ = verdicts(root)
    assert found[("content/en/docs/partial.md", "en")] == (
        "skipped", "skipped: no front matter: the file must start with a --- line and a title "
                   "[meta.missing]")
    assert found[("content/en/docs/caps.md", "en")] == (
        "skipped", "skipped: unknown field 'Title' for a article (did you mean 'title'?) "
                   "[meta.unknown-field]")


def test_the_cli_json_says_what_percent_current_counts(tmp_path):
    root = hugo(tmp_path)
    result = cli(root, "--json")
    data = json.loads(result.output)
    assert data["percent_current_of"].startswith("expected translations")
    assert data["summary"]["ja"]["percent_current"] == 100.0
    assert data["summary"]["ja"]["expected"] == 1
    assert data["mode"] == "content"
    assert json.loads(cli(root, "--json", "--strict").output)["mode"] == "strict"


# -- kb check on a repository not written for kb ----------------------------------------

def test_foreign_mode_accepts_the_repos_own_keys_and_shortcodes(tmp_path):
    root = hugo(tmp_path)
    report = check(open_kb(root, cache=False))
    assert report.errors == 0, [f.format() for f in report.findings]
    (root / "kb.yml").write_text(HUGO_YML.replace("strict: false", "strict: true"))
    strict = check(open_kb(root, cache=False))
    codes = {f.code for f in strict.findings if f.is_error}
    assert {"meta.unknown-field", "macro.syntax"} <= codes


def test_declared_extra_fields_are_allowed_in_strict_mode(tmp_path):
    root = hugo(tmp_path)
    (root / "kb.yml").write_text(HUGO_YML.replace("strict: false", "strict: true\n"
                                                  "extra_fields: [linkTitle, weight]"))
    findings = check(open_kb(root, cache=False)).findings
    assert not [f for f in findings if f.code == "meta.unknown-field"
                and "linkTitle" in f.message]


# -- Docusaurus, and a folder per language at the root -----------------------------------

def test_docusaurus_layout(tmp_path):
    make_kb(tmp_path, {
        "kb.yml": "languages: [en, ru, sl]\ntranslations:\n  layout: folder\n"
                  "  folders: i18n/{lang}/docusaurus-plugin-content-docs/current\n",
        "docs/intro.md": "---\ntitle: Intro\naudience: public\n---\n\nWelcome.\n",
        "i18n/ru/docusaurus-plugin-content-docs/current/intro.md":
            "---\ntitle: Введение\ntranslation:\n  source_commit: HEAD_PIN\n---\n\nПривет.\n",
        "i18n/sl/docusaurus-plugin-content-docs/current/intro.md":
            "---\ntitle: Uvod\n---\n\nDobrodošli.\n",
    })
    first = git_init(tmp_path)
    edit(tmp_path, "i18n/ru/docusaurus-plugin-content-docs/current/intro.md", "HEAD_PIN", first)
    commit(tmp_path, "pin")
    found, _ = verdicts(tmp_path)
    assert found[("i18n/ru/docusaurus-plugin-content-docs/current/intro.md", "ru")][0] == "current"
    assert found[("i18n/sl/docusaurus-plugin-content-docs/current/intro.md", "sl")][0] == "untracked"
    edit(tmp_path, "docs/intro.md", "Welcome.", "Welcome aboard.")
    commit(tmp_path, "reword")
    found, _ = verdicts(tmp_path)
    assert found[("i18n/ru/docusaurus-plugin-content-docs/current/intro.md", "ru")][0] == "outdated"
    # a missing translation is named at its real path
    (tmp_path / "i18n/sl/docusaurus-plugin-content-docs/current/intro.md").unlink()
    found, _ = verdicts(tmp_path)
    assert found[("i18n/sl/docusaurus-plugin-content-docs/current/intro.md", "sl")][0] == "missing"


def test_a_folder_per_language_at_the_root(tmp_path):
    make_kb(tmp_path, {
        "kb.yml": "languages: [en, ru]\ncontent_roots: [en]\ntranslations:\n  layout: folder\n"
                  "  source_folder: en\n  folders: '{lang}'\n",
        "en/faq/pay.md": "---\ntitle: Paying\naudience: public\n---\n\nPay by card.\n",
        "ru/faq/pay.md": "---\ntitle: Оплата\ntranslation:\n  source_hash: 0000000000000000\n"
                         "---\n\nОплата картой.\n",
    })
    git_init(tmp_path)
    found, _ = verdicts(tmp_path)
    assert found[("ru/faq/pay.md", "ru")][0] == "outdated"


# -- settings that would make an empty, passing report are loud --------------------------

@pytest.mark.parametrize("setting, message", [
    ("  folders: {ja: content/ja, zh: content/zh}\n", "'content/zh' does not exist"),
    ("  folders: {ja: ../elsewhere}\n", "must be a folder inside the knowledge base"),
    ("  folders: {ja: content/empty}\n", "holds no markdown"),
    ("  folders: {de: content/de}\n", "not a translation language"),
])
def test_a_bad_folder_setting_is_exit_2_at_its_line(tmp_path, setting, message):
    root = hugo(tmp_path)
    (root / "content/empty").mkdir()
    (root / "content/de").mkdir()
    (root / "content/de/x.md").write_text("---\ntitle: X\n---\n")
    text = HUGO_YML.replace("  folders: content/{lang}\n", setting)
    (root / "kb.yml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        open_kb(root, cache=False)
    finding = next(f for f in caught.value.findings if message in f.message)
    line = text.splitlines().index(setting.rstrip("\n")) + 1
    assert (finding.path, finding.line) == ("kb.yml", line)
    result = cli(root)
    assert result.exit_code == 2 and f"kb.yml:{line}:" in result.output


def test_a_content_root_that_does_not_exist_is_exit_2(tmp_path):
    root = hugo(tmp_path)
    (root / "kb.yml").write_text(HUGO_YML.replace("content_roots: [content]",
                                                  "content_roots: [contents]"))
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    assert result.exit_code == 2 and "kb.yml:3:" in result.output \
        and "'contents' does not exist" in result.output


def test_commands_take_and_print_the_repositorys_real_paths(tmp_path):
    root = hugo(tmp_path)
    edit(root, "content/en/docs/guide.md", "and an exporter", "and two exporters")
    commit(root, "reword")
    diff = cli(root, "diff", "content/ja/docs/guide.md")
    assert diff.exit_code == 0 and "+Set up the collector with a *receiver* and two exporters." \
        in diff.output and "content/en/docs/guide.md" in diff.output
    marked = cli(root, "mark-current", "content/ja/docs/guide.md")
    assert marked.exit_code == 0, marked.output
    assert "content/ja/docs/guide.md: pinned to content/en/docs/guide.md" in marked.output
    text = (root / "content/ja/docs/guide.md").read_text(encoding="utf-8")
    assert f"default_lang_commit: {git(root, 'rev-parse', 'HEAD')}" in text
    assert status(root, "content/ja/docs/guide.md")[0] == "current"
