"""kb review: only reviewed/reviewed_by change, byte for byte; bad input changes nothing;
reviewing a source keeps its translations' verdicts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check
from kbtools.content.frontmatter import EditError, set_front_matter
from kbtools.content.model import content_hash
from kbtools.registry import open_kb
from kbtools.review.record import set_fields
from kbtools.review.stale import stale_report
from kbtools.translations.verdicts import CURRENT, verdict
from tests.support import article, make_kb

UNUSUAL = (
    "---\r\n"
    "# Owned by billing; see owners.yml\r\n"
    "title: 'Refund: \"the\" policy'    # quoted, with a comment\r\n"
    "owner:    bob\r\n"
    "reviewed: '2025-01-02'  # last checked before the price change\r\n"
    "tags: [ refunds,billing ,  \"money\" ]\r\n"
    "review_every: 90d\r\n"
    "---\r\n"
    "# Refunds\r\n"
    "\r\n"
    "Body with {{ support.email }} and trailing spaces   \r\n"
)


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_unusual_file_round_trips_byte_for_byte(tmp_path):
    make_kb(tmp_path, {"docs/faq/refund.md": UNUSUAL.encode()})
    result = run("--root", str(tmp_path), "review", "docs/faq/refund.md", "--by", "ann",
                 "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert result.stdout == "docs/faq/refund.md: reviewed 2026-11-23 by ann (was 2025-01-02)\n"
    expected = UNUSUAL.replace(
        "reviewed: '2025-01-02'  # last checked before the price change\r\n",
        "reviewed: '2026-11-23'  # last checked before the price change\r\n"
        "reviewed_by: ann\r\n")
    assert (tmp_path / "docs/faq/refund.md").read_bytes() == expected.encode()
    assert open_kb(tmp_path).corpus.get("docs/faq/refund.md").reviewed_by == "ann"


def test_only_the_values_change_when_both_fields_exist(tmp_path):
    text = ("---\ntitle: A\nreviewed: \"2024-02-03\"   # q\nreviewed_by: bob\n"
            "owner: ann\n---\nbody\n")
    assert set_fields(text, {"reviewed": "2026-11-23", "reviewed_by": "ann"}, path="a.md") == (
        "---\ntitle: A\nreviewed: \"2026-11-23\"   # q\nreviewed_by: ann\nowner: ann\n---\nbody\n")


def test_missing_fields_are_added_after_the_owner(tmp_path):
    text = "---\ntitle: A\nowner: ann   # lead\ntags:\n  - x\n---\nbody"
    assert set_fields(text, {"reviewed": "2026-11-23", "reviewed_by": "ann"}, path="a.md") == (
        "---\ntitle: A\nowner: ann   # lead\nreviewed: 2026-11-23\nreviewed_by: ann\n"
        "tags:\n  - x\n---\nbody")


def test_empty_value_and_bom_and_awkward_handles():
    text = "\ufeff---\ntitle: A\nreviewed:    # fill me\nowner: ann\n---\n"
    result = set_fields(text, {"reviewed": "2026-11-23", "reviewed_by": "no"}, path="a.md")
    # plain `no` would read back as false, so the handle is quoted
    assert result == ("\ufeff---\ntitle: A\nreviewed: 2026-11-23    # fill me\n"
                      "reviewed_by: \"no\"\nowner: ann\n---\n")


def test_the_one_editor_sets_dotted_keys_in_block_and_flow_mappings():
    """The editor kb review uses is the one translation pins use: nested keys, flow
    mappings, empty parents and CRLF files keep every other byte."""
    text = ("---\r\ntitle: A  # t\r\ntranslation: {machine: true}\r\nl10n:\r\nowner: ann\r\n"
            "---\r\nBody\r\n")
    result = set_front_matter(text, {"translation.source_hash": "abc123",
                                     "translation.machine": False,
                                     "l10n.sourceCommit": "0123abc", "extra.deep.key": "x y"})
    assert result == ("---\r\ntitle: A  # t\r\ntranslation: {machine: false, source_hash: abc123}"
                      "\r\nl10n:\r\n  sourceCommit: 0123abc\r\nowner: ann\r\nextra:\r\n"
                      "  deep:\r\n    key: \"x y\"\r\n---\r\nBody\r\n")
    with pytest.raises(EditError) as raised:
        set_front_matter("---\ntitle: A\ntags: [a]\n---\n", {"tags.x": 1})
    assert (raised.value.line, str(raised.value)) == (
        3, "tags is not a mapping, so tags.x cannot be set; edit it by hand")


def test_block_scalar_is_refused_with_its_line(tmp_path):
    make_kb(tmp_path, {"docs/a.md": "---\ntitle: A\nowner: ann\nreviewed_by: |\n  ann\n---\n"})
    before = (tmp_path / "docs/a.md").read_bytes()
    result = run("--root", str(tmp_path), "review", "docs/a.md", "--by", "ann")
    assert result.exit_code == 1
    assert "docs/a.md:4: reviewed_by must be a single value" in result.stderr
    assert (tmp_path / "docs/a.md").read_bytes() == before


def test_reviewing_a_source_keeps_translation_verdicts(tmp_path):
    body = "# Reset\n\nClick *Forgot password*.\n"
    make_kb(tmp_path, {
        "docs/faq/reset.md": article("Reset", body, owner="ann", reviewed="2025-01-01"),
        "docs/faq/reset.ru.md": article("Сброс", "# Сброс\n", reviewed="2026-11-01",
                                        translation={"source_hash": content_hash(body, (("title", "Reset"),))}),
    })
    translation_bytes = (tmp_path / "docs/faq/reset.ru.md").read_bytes()
    kb = open_kb(tmp_path)
    before = kb.corpus.get("docs/faq/reset.md").content_hash
    assert verdict(kb.corpus.get("docs/faq/reset.ru.md"), kb.corpus.get("docs/faq/reset.md")) \
        == CURRENT
    assert run("--root", str(tmp_path), "review", "docs/faq/reset.md",
               "--as-of", "2026-11-23").exit_code == 0
    kb = open_kb(tmp_path)
    source = kb.corpus.get("docs/faq/reset.md")
    assert (source.reviewed.isoformat(), source.reviewed_by) == ("2026-11-23", "ann")
    assert source.content_hash == before and source.body == body
    assert verdict(kb.corpus.get("docs/faq/reset.ru.md"), source) == CURRENT
    assert (tmp_path / "docs/faq/reset.ru.md").read_bytes() == translation_bytes
    stale = {e.path: e.codes for e in stale_report(kb, as_of="2026-11-23").entries}
    assert stale["docs/faq/reset.md"] == [] and stale["docs/faq/reset.ru.md"] == []


def test_reviewing_a_translation(tmp_path):
    make_kb(tmp_path, {
        "docs/a.md": article("A", owner="ann", reviewed="2026-11-01"),
        "docs/a.ru.md": article("А", reviewed="2025-01-01"),
    })
    source_bytes = (tmp_path / "docs/a.md").read_bytes()
    result = run("--root", str(tmp_path), "review", "docs/a.ru.md", "--by", "bob",
                 "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "docs/a.ru.md").read_text(encoding="utf-8") == article(
        "А", reviewed="2026-11-23", reviewed_by="bob")
    assert (tmp_path / "docs/a.md").read_bytes() == source_bytes


def test_default_reviewer_is_the_responsible_owner(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A", owner="gone", reviewed="2025-01-01"),
                       "docs/b.md": article("B")})
    result = run("--root", str(tmp_path), "review", "docs/a.md", "--as-of", "2026-11-23")
    assert result.stdout == "docs/a.md: reviewed 2026-11-23 by ann (was 2025-01-01)\n"
    result = run("--root", str(tmp_path), "review", "docs/b.md")
    assert result.exit_code == 2
    assert "docs/b.md: no owner who could have reviewed it; say who did with --by" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("docs/a.md", "--by", "zed"), "--by: unknown handle 'zed'"),
    (("docs/a.md", "--by", "support"), "--by: 'support' is a team"),
    (("docs/a.md", "--by", "gone"), "--by: 'gone' is marked inactive"),
    (("docs/a.md", "docs/nope.md", "--by", "ann"), "docs/nope.md: no such article"),
    (("docs/a.md", "docs/broken.md", "--by", "ann"), "docs/broken.md: the file could not be "
                                                     "loaded; run `kb check`"),
    (("docs/a.md", "--as-of", "tomorrow"), "invalid date 'tomorrow'"),
])
def test_bad_input_exits_2_and_changes_nothing(tmp_path, args, message):
    make_kb(tmp_path, {"docs/a.md": article("A", owner="ann", reviewed="2025-01-01"),
                       "docs/broken.md": "---\ntitle: [unclosed\n---\n"})
    before = (tmp_path / "docs/a.md").read_bytes()
    result = run("--root", str(tmp_path), "review", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert (tmp_path / "docs/a.md").read_bytes() == before


def test_second_review_the_same_day_is_unchanged(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A", owner="ann", reviewed="2025-01-01")})
    run("--root", str(tmp_path), "review", "docs/a.md", "--as-of", "2026-11-23")
    first = (tmp_path / "docs/a.md").read_bytes()
    result = run("--root", str(tmp_path), "review", "docs/a.md", "--as-of", "2026-11-23")
    assert result.stdout == "docs/a.md: reviewed 2026-11-23 by ann (unchanged)\n"
    assert (tmp_path / "docs/a.md").read_bytes() == first


def test_paths_relative_to_the_working_folder(tmp_path, monkeypatch):
    make_kb(tmp_path, {"docs/faq/a.md": article("A", owner="ann", reviewed="2025-01-01")})
    monkeypatch.chdir(tmp_path / "docs")
    result = run("--root", str(tmp_path), "review", "faq/a.md", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("docs/faq/a.md: reviewed 2026-11-23")


def test_reviewed_files_still_pass_check(tmp_path):
    make_kb(tmp_path, {"docs/faq/refund.md": UNUSUAL.encode(),
                       "docs/b.md": article("B", owner="ann")})
    run("--root", str(tmp_path), "review", "docs/faq/refund.md", "docs/b.md", "--by", "bob",
        "--as-of", "2026-11-23")
    kb = open_kb(tmp_path)
    assert check(kb).errors == 0
    assert {a.path: (str(a.reviewed), a.reviewed_by) for a in kb.corpus.articles} == {
        "docs/faq/refund.md": ("2026-11-23", "bob"), "docs/b.md": ("2026-11-23", "bob")}
