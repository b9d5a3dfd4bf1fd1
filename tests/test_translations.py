"""Translation freshness on real git histories: each case asserts the exact verdict."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from kbtools.cli import main
from kbtools.registry import open_kb
from kbtools.translations.pins import mark_current, source_diff
from kbtools.translations.report import translation_report
from tests.support import article, commit, edit, git, git_init, make_kb

SOURCE = """
# Reset your password

1. Open the sign-in page.
2. Select **Forgot password**.
3. Follow the link in the e-mail.
"""

RU = """
# Сброс пароля

1. Откройте страницу входа.
2. Нажмите **Забыли пароль**.
3. Перейдите по ссылке из письма.
"""


def pinned_kb(tmp_path, **extra):
    """en source + pinned ru translation, committed; fa missing."""
    make_kb(tmp_path, {
        "docs/faq/reset.md": article("Reset your password", SOURCE, audience="public",
                                     owner="ann", reviewed="2026-10-01"),
        "docs/faq/reset.ru.md": article("Сброс пароля", RU, owner="bob"),
        **extra})
    git_init(tmp_path)
    mark_current(open_kb(tmp_path), ["docs/faq/reset.ru.md"])
    commit(tmp_path, "pin ru")
    return tmp_path


def verdicts(root, lang="ru"):
    report = translation_report(open_kb(root))
    return {i.path: i for i in report.items if i.lang == lang}


def ru(root):
    return verdicts(root)["docs/faq/reset.ru.md"]


def test_pinned_translation_is_current_and_others_missing(tmp_path):
    root = pinned_kb(tmp_path)
    item = ru(root)
    assert (item.status, item.behind_commits, item.changed_lines, item.machine) == \
        ("current", None, None, False)
    missing = verdicts(root, "fa")["docs/faq/reset.fa.md"]
    assert (missing.status, missing.source, missing.owner) == ("missing", "docs/faq/reset.md", "ann")


def test_cosmetic_source_edits_do_not_outdate(tmp_path):
    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "reviewed: '2026-10-01'", "reviewed: '2026-11-20'")
    edit(root, "docs/faq/reset.md", "2. Select **Forgot password**.",
         "2.  Select *Forgot   password*.")
    edit(root, "docs/faq/reset.md", "3. Follow the link", "3. Follow\n   the link")
    commit(root, "reformat")
    assert ru(root).status == "current"


def test_substantive_source_edit_outdates_with_commits_and_lines(tmp_path):
    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "3. Follow the link in the e-mail.",
         "3. Follow the link in the e-mail within 24 hours.")
    commit(root, "expiry")
    edit(root, "docs/faq/reset.md", "1. Open the sign-in page.",
         "1. Open the sign-in page.\n2. Enter your e-mail address.")
    commit(root, "new step")
    item = ru(root)
    assert (item.status, item.behind_commits, item.changed_lines) == ("outdated", 2, 3)
    diff = source_diff(open_kb(root), "docs/faq/reset.ru.md")
    assert diff.behind_commits == 2
    assert "-3. Follow the link in the e-mail.\n" in diff.diff
    assert "+3. Follow the link in the e-mail within 24 hours.\n" in diff.diff
    assert "+2. Enter your e-mail address.\n" in diff.diff


def test_touching_up_the_translation_does_not_make_it_current(tmp_path):
    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "e-mail.", "e-mail or text message.")
    commit(root, "sms")
    edit(root, "docs/faq/reset.ru.md", "из письма", "из  письма")
    edit(root, "docs/faq/reset.ru.md", "owner: bob", "owner: ann")
    commit(root, "typo in ru")
    item = ru(root)
    assert (item.status, item.behind_commits, item.changed_lines) == ("outdated", 1, 2)


def test_mark_current_repins_and_changes_only_the_pin(tmp_path):
    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "e-mail.", "e-mail or text message.")
    head = commit(root, "sms")
    before = (root / "docs/faq/reset.ru.md").read_text(encoding="utf-8").splitlines()
    pinned = mark_current(open_kb(root), ["docs/faq/reset.ru.md"])
    after = (root / "docs/faq/reset.ru.md").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert [b.strip().split(":")[0] for _, b in changed] == ["source_commit", "source_hash"]
    assert pinned[0].source_commit == head
    assert changed[0][1] == f"  source_commit: {head}"
    assert ru(root).status == "current"


def test_deleted_source_orphans_its_translations(tmp_path):
    root = pinned_kb(tmp_path)
    git(root, "rm", "-q", "docs/faq/reset.md")
    gone = commit(root, "drop reset")
    item = ru(root)
    assert (item.status, item.moved_to) == ("orphaned", None)
    assert item.note == f"source deleted in {gone[:10]}"


def test_renamed_source_orphans_and_says_where_it_went(tmp_path):
    root = pinned_kb(tmp_path)
    git(root, "mv", "docs/faq/reset.md", "docs/faq/reset-password.md")
    moved = commit(root, "rename")
    item = ru(root)
    assert (item.status, item.moved_to) == ("orphaned", "docs/faq/reset-password.md")
    assert item.note == f"source renamed to docs/faq/reset-password.md in {moved[:10]}"


def test_history_follows_a_rename_of_source_and_translation(tmp_path):
    root = pinned_kb(tmp_path)
    git(root, "mv", "docs/faq/reset.md", "docs/faq/password.md")
    git(root, "mv", "docs/faq/reset.ru.md", "docs/faq/password.ru.md")
    commit(root, "rename both")
    edit(root, "docs/faq/password.md", "sign-in page", "login page")
    commit(root, "wording")
    item = verdicts(root)["docs/faq/password.ru.md"]
    assert (item.status, item.behind_commits, item.changed_lines) == ("outdated", 2, 2)
    diff = source_diff(open_kb(root), "docs/faq/password.ru.md").diff
    assert diff.startswith("--- a/docs/faq/reset.md") and "+1. Open the login page." in diff


def test_uncommitted_source_change_is_outdated_now(tmp_path):
    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "sign-in page", "login page")
    item = ru(root)
    assert (item.status, item.behind_commits, item.changed_lines) == ("outdated", 0, 2)
    assert item.note == "the source has uncommitted changes"


def test_side_branch_commits_merged_after_the_pin_count(tmp_path):
    root = pinned_kb(tmp_path)
    git(root, "checkout", "-q", "-b", "side")
    edit(root, "docs/faq/reset.md", "sign-in page", "login page")
    commit(root, "side edit")
    git(root, "checkout", "-q", "main")
    edit(root, "docs/faq/reset.ru.md", "owner: bob", "owner: ann")
    commit(root, "main edit")
    git(root, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    item = ru(root)
    assert (item.status, item.behind_commits, item.changed_lines) == ("outdated", 1, 2)


def test_untracked_and_machine_flags(tmp_path):
    root = pinned_kb(tmp_path, **{
        "docs/faq/reset.fa.md": article("بازنشانی", "متن\n", translation={"machine": True})})
    item = verdicts(root, "fa")["docs/faq/reset.fa.md"]
    assert (item.status, item.machine) == ("untracked", True)


def test_shallow_clone_keeps_verdicts_and_says_what_it_cannot_count(tmp_path):
    origin = pinned_kb(tmp_path / "origin")
    edit(origin, "docs/faq/reset.md", "sign-in page", "login page")
    commit(origin, "wording")
    edit(origin, "docs/faq/reset.md", "reviewed: '2026-10-01'", "reviewed: '2026-11-01'")
    commit(origin, "reviewed")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    report = translation_report(open_kb(clone))
    item = next(i for i in report.items if i.path == "docs/faq/reset.ru.md")
    assert report.history == "shallow"
    assert (item.status, item.behind_commits, item.changed_lines) == ("outdated", None, None)
    assert item.note.startswith("pinned commit ") and item.note.endswith(
        "is not in this checkout's history (shallow clone: fetch more history)")


def test_without_git_verdicts_come_from_hashes(tmp_path):
    origin = pinned_kb(tmp_path / "origin")
    edit(origin, "docs/faq/reset.md", "sign-in page", "login page")
    plain = tmp_path / "plain"
    shutil.copytree(origin, plain, ignore=shutil.ignore_patterns(".git"))
    report = translation_report(open_kb(plain))
    item = next(i for i in report.items if i.path == "docs/faq/reset.ru.md")
    assert report.history == "not a git checkout"
    assert (item.status, item.behind_commits) == ("outdated", None)
    assert "there is no history (not a git checkout)" in item.note


FOREIGN_KB = """\
languages: [en, ru, sl]
translations:
  layout: folder
  folders: {ru: docs/ru, sl: docs/l10n/sl}
  source_commit_key: l10n.sourceCommit
"""


def test_kb_not_written_with_this_tool_folder_layout_and_mdn_commit_key(tmp_path):
    """Translations under docs/ru/ and docs/l10n/sl/ pin only ``l10n.sourceCommit``: the
    verdict hashes the source as it was at that commit."""
    make_kb(tmp_path, {"kb.yml": FOREIGN_KB,
                       "docs/guide/setup.md": article("Setup", SOURCE, audience="public")})
    first = git_init(tmp_path)
    make_kb(tmp_path, {
        "docs/ru/guide/setup.md": article("Настройка", RU, l10n={"sourceCommit": first}),
        "docs/l10n/sl/guide/setup.md": article("Nastavitev", "Besedilo.\n",
                                                l10n={"sourceCommit": first[:8]})}, base=False)
    commit(tmp_path, "translations")
    report = translation_report(open_kb(tmp_path))
    got = {i.path: (i.status, i.source) for i in report.items}
    assert got == {"docs/ru/guide/setup.md": ("current", "docs/guide/setup.md"),
                   "docs/l10n/sl/guide/setup.md": ("current", "docs/guide/setup.md")}
    edit(tmp_path, "docs/guide/setup.md", "2. Select **Forgot password**.",
         "2. Select *Forgot password*.")
    commit(tmp_path, "cosmetic")
    assert {i.status for i in translation_report(open_kb(tmp_path)).items} == {"current"}
    edit(tmp_path, "docs/guide/setup.md", "sign-in page", "login page")
    commit(tmp_path, "substance")
    items = translation_report(open_kb(tmp_path)).items
    assert [(i.status, i.behind_commits, i.changed_lines) for i in items] == \
        [("outdated", 2, 4), ("outdated", 2, 4)]  # lines: the cosmetic edit shows in the diff
    mark_current(open_kb(tmp_path), ["docs/ru/guide/setup.md"])
    text = (tmp_path / "docs/ru/guide/setup.md").read_text(encoding="utf-8")
    assert f"sourceCommit: {git(tmp_path, 'rev-parse', 'HEAD')}" in text
    statuses = {i.path: i.status for i in translation_report(open_kb(tmp_path)).items}
    assert statuses == {"docs/ru/guide/setup.md": "current",
                        "docs/l10n/sl/guide/setup.md": "outdated"}


def cli(root, *args):
    return CliRunner().invoke(main, ["--root", str(root), "translations", *args],
                              catch_exceptions=False)


def test_cli_json_filters_and_fail_on(tmp_path):
    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "sign-in page", "login page")
    commit(root, "wording")
    result = cli(root, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [(t["path"], t["status"], t["behind_commits"], t["changed_lines"], t["machine"])
            for t in data["translations"]] == [
        ("docs/faq/reset.ru.md", "outdated", 1, 2, False),
        ("docs/faq/reset.fa.md", "missing", None, None, False)]
    assert data["summary"]["ru"]["percent_current"] == 0.0
    assert cli(root, "--fail-on", "outdated,missing").exit_code == 1
    assert cli(root, "--fail-on", "orphaned").exit_code == 0
    only = json.loads(cli(root, "--json", "--lang", "fa").output)["translations"]
    assert [t["status"] for t in only] == ["missing"]
    assert json.loads(cli(root, "--json", "--owner", "bob").output)["translations"][0]["path"] \
        == "docs/faq/reset.ru.md"
    assert json.loads(cli(root, "--json", "--status", "current").output)["translations"] == []
    bad = cli(root, "--status", "stale")
    assert bad.exit_code == 2 and "--status: unknown value stale" in bad.output


def test_cli_table_diff_and_mark_current(tmp_path):
    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "sign-in page", "login page")
    commit(root, "wording")
    table = cli(root)
    assert table.exit_code == 0
    assert "ru: 0.0% current (0 of 1 expected)" in table.output and "1 commit, 2 lines" in table.output
    diff = cli(root, "diff", "docs/faq/reset.ru.md")
    assert diff.exit_code == 0 and "+1. Open the login page." in diff.output
    marked = cli(root, "mark-current", "docs/faq/reset.ru.md")
    assert marked.exit_code == 0 and "docs/faq/reset.ru.md: pinned to docs/faq/reset.md" in marked.output
    assert "ru: 100.0% current (1 of 1 expected)" in cli(root).output
    missing = cli(root, "mark-current", "docs/faq/nope.ru.md")
    assert missing.exit_code == 2 and "docs/faq/nope.ru.md: no such article" in missing.output


def test_internal_site_status_pages_per_language(tmp_path):

    root = pinned_kb(tmp_path)
    edit(root, "docs/faq/reset.md", "sign-in page", "login page")
    commit(root, "wording")
    kb = open_kb(root)
    pages = {p.path: p for p in kb.kinds.generated_pages(kb) if "translations" in p.path}
    assert sorted(pages) == ["reports/translations/fa.md", "reports/translations/index.md",
                             "reports/translations/ru.md"]
    ru_page = pages["reports/translations/ru.md"]
    assert ru_page.audience == "internal"
    assert "**0.0% current** (0 of 1 expected)" in ru_page.markdown
    assert "| ⚠️ outdated | `docs/faq/reset.ru.md` | `docs/faq/reset.md` | 1 commit(s), 2 line(s) |" \
        in ru_page.markdown
    assert "| [fa](fa.md) | 0.0% | 0 | 0 | 1 | 0 | 0 | 0 |" in pages["reports/translations/index.md"].markdown
    assert "not listed" not in ru_page.markdown  # (nothing current to leave out)


def test_a_language_page_lists_what_needs_someone_and_counts_the_current_ones(tmp_path):
    # Hundreds of current rows buried the few to act on (and made the page slow to render
    # each time a source changed): current translations are counted; a machine draft, even
    # current, is listed, as it awaits review.
    root = pinned_kb(tmp_path, **{
        "docs/faq/reset.fa.md": article("بازنشانی", "متن\n", translation={"machine": True})})
    mark_current(open_kb(root), ["docs/faq/reset.fa.md"])  # (which clears the draft flag:)
    edit(root, "docs/faq/reset.fa.md", "machine: false", "machine: true")
    commit(root, "pin fa")  # a machine draft made from the current source, not reviewed
    kb = open_kb(root)
    pages = {p.path: p.markdown for p in kb.kinds.generated_pages(kb)}

    ru_page, fa_page = pages["reports/translations/ru.md"], pages["reports/translations/fa.md"]
    assert "**100.0% current** (1 of 1 expected)" in ru_page
    assert "docs/faq/reset.ru.md" not in ru_page and "| status |" not in ru_page
    assert "No translation into this language is behind, missing or waiting for review." \
        in ru_page
    assert "1 current translation(s) not listed: `kb translations --lang ru --status current` " \
        "lists them." in ru_page
    assert "| ✅ current · machine draft | `docs/faq/reset.fa.md` | `docs/faq/reset.md` |" \
        in fa_page
    assert "not listed" not in fa_page and "No translation" not in fa_page
