"""The body cache: outlines and macro scans kept between runs, keyed by the body's text.

A cached result equals a fresh reading; an edited body is read again; a corrupt or foreign
cache file is ignored (and replaced); a state folder that cannot be written never fails a run.
"""

from __future__ import annotations

import pickle

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content import bodycache as cache_module
from kbtools.content.bodycache import BodyCache
from kbtools.content.check import check
from kbtools.content.markdown import outline, read
from kbtools.registry import open_kb
from kbtools.review.stale import stale_report
from tests.support import article, make_kb

AS_OF = "2026-11-23"
BODIES = "docs/faq/a.md", "docs/faq/b.md", "docs/faq/b.ru.md"
FILES = {
    "docs/faq/a.md": article("A", "# A\n\n## Steps {#steps}\n\nSee [b](b.md#details), "
                                  "[gone](gone.md) and [no anchor](b.md#nope).\n\n"
                                  "Mail {{ support.email }}, not {{ support.mail }}.\n",
                             owner="ann", reviewed="2026-11-01"),
    "docs/faq/b.md": article("B", "## Details\n\n<a name=\"legacy\"></a>[back](a.md#steps)\n",
                             owner="ann", reviewed="2026-11-01"),
    "docs/faq/b.ru.md": article("Б", "## Подробности\n\n[назад](a.md#steps) {% if x %}\n",
                                reviewed="2026-11-01"),
}


def report(root):
    """The stale report (as plain data) and the check findings of a fresh run, whose caches
    are then kept as ``kb`` keeps them."""
    kb = open_kb(root)
    found = ([e.to_dict() for e in stale_report(kb, as_of=AS_OF).entries],
             [f.format() for f in check(kb).findings])
    kb.save_caches()
    return found


def cache_file(root):
    return root / ".kb/cache/bodies.pickle"


def no_reading(*args, **kwargs):
    raise AssertionError("read again instead of taken from the cache")


def test_a_second_run_takes_every_outline_and_scan_from_the_cache(tmp_path, monkeypatch):
    make_kb(tmp_path, FILES)
    first = report(tmp_path)
    assert cache_file(tmp_path).exists()
    kb = open_kb(tmp_path)
    fresh = {path: outline(kb.corpus.get(path).body, kb.corpus.get(path).body_line)
             for path in BODIES}
    monkeypatch.setattr(cache_module, "outline", no_reading)
    monkeypatch.setattr(kb.macros.__class__, "scan", no_reading)
    for path in BODIES:
        item = kb.corpus.get(path)
        cached = kb.bodies.outline(item.body, item.body_line)
        assert cached == fresh[path] == read(item.body, item.body_line).outline
        assert kb.bodies.links(item.body, item.body_line) == cached.links
        assert kb.bodies.ids(item.body, item.body_line) == cached.ids
    assert report(tmp_path) == first


def test_an_edited_body_is_read_again_and_its_old_entry_dropped(tmp_path):
    make_kb(tmp_path, FILES)
    before = report(tmp_path)
    file = tmp_path / "docs/faq/b.md"
    file.write_text(file.read_text().replace("## Details", "## Other"), encoding="utf-8")
    after = report(tmp_path)
    assert after != before
    assert after == report(tmp_path)  # read from the cache now: the same
    messages = [r["message"] for e in after[0] if e["path"] == "docs/faq/a.md"
                for r in e["details"]]
    assert "link to docs/faq/b.md#details: no such heading in docs/faq/b.md" in messages
    stored = pickle.loads(cache_file(tmp_path).read_bytes())["parts"]
    assert len(stored["outline"]) == len(BODIES)  # the old body of b.md is gone


def test_a_body_whose_front_matter_grows_is_read_again_at_its_new_lines(tmp_path):
    make_kb(tmp_path, FILES)
    lines = {r["message"]: r["line"] for e in report(tmp_path)[0] for r in e["details"]
             if e["path"] == "docs/faq/a.md"}
    file = tmp_path / "docs/faq/a.md"
    file.write_text(file.read_text().replace("---\n", "---\ntags: [a, b]\n", 1),
                    encoding="utf-8")
    moved = {r["message"]: r["line"] for e in report(tmp_path)[0] for r in e["details"]
             if e["path"] == "docs/faq/a.md"}
    assert len(lines) == 3 and moved == {message: line + 1 for message, line in lines.items()}
    stored = pickle.loads(cache_file(tmp_path).read_bytes())["parts"]
    assert len(stored["outline"]) == len(BODIES)


@pytest.mark.parametrize("content", [
    b"not a pickle",
    pickle.dumps(["a", "list"]),
    pickle.dumps({"fingerprint": "other code", "parts": {"outline": {}}}),
    b"",
])
def test_a_corrupt_or_foreign_cache_is_ignored_and_replaced(tmp_path, content):
    make_kb(tmp_path, FILES)
    expected = report(tmp_path)
    cache_file(tmp_path).write_bytes(content)
    assert report(tmp_path) == expected
    assert cache_file(tmp_path).read_bytes() != content


def test_a_cache_of_other_entries_is_not_trusted_blindly(tmp_path):
    make_kb(tmp_path, FILES)
    expected = report(tmp_path)
    stored = pickle.loads(cache_file(tmp_path).read_bytes())
    stored["parts"] = {"outline": "not a dict"}
    cache_file(tmp_path).write_bytes(pickle.dumps(stored))
    assert report(tmp_path) == expected


def test_a_state_folder_that_cannot_be_written_does_not_fail_the_run(tmp_path):
    make_kb(tmp_path, FILES)
    expected = report(tmp_path)
    for file in (tmp_path / ".kb/cache").iterdir():
        file.unlink()
    (tmp_path / ".kb/cache").rmdir()
    (tmp_path / ".kb/cache").write_text("a file where the folder should be")  # even for root
    assert report(tmp_path) == expected
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "stale", "--as-of", AS_OF],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "docs/faq/a.md" in result.output


def test_kb_keeps_the_cache_after_a_command(tmp_path):
    make_kb(tmp_path, FILES)
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "stale", "--as-of", AS_OF,
                                       "--fail-on", "broken-link"], catch_exceptions=False)
    assert result.exit_code == 1
    assert cache_file(tmp_path).exists()


def test_without_the_cache_nothing_is_read_or_kept(tmp_path):
    make_kb(tmp_path, FILES)
    kb = open_kb(tmp_path, cache=False)
    entries = [e.to_dict() for e in stale_report(kb, as_of=AS_OF).entries]
    kb.save_caches()
    assert not (tmp_path / ".kb/cache").exists()
    assert entries == report(tmp_path)[0]


def test_a_cache_without_a_file_still_answers(tmp_path):
    bodies = BodyCache(None)
    body = "# Title\n\n[link](x.md)\n"
    assert bodies.outline(body, 3) == outline(body, 3) == bodies.outline(body, 3)
    assert bodies.links(body, 3) == outline(body, 3).links
    assert bodies.ids(body, 3) == outline(body, 3).ids == {"title"}
    bodies.save([(body, 3)])
    assert list(tmp_path.iterdir()) == []


def test_many_outlines_read_by_worker_processes_equal_a_reading_here(tmp_path):
    file = tmp_path / "bodies.pickle"
    count = cache_module.PARALLEL_FROM + 50  # enough for the forked workers
    bodies = [(f"# Step {n}\n\n```\n[not a link](code.md)\n```\n\nSee [page {n}](p{n}.md#part) "
               f"and ![logo](logo{n % 7}.png).\n\n## Part {n} {{#part-{n}}}\n", 3 + n % 5)
              for n in range(count)]
    cache = BodyCache(file)
    assert cache.read_outlines(bodies) == count
    assert all(cache.outline(body, first) == outline(body, first) for body, first in bodies)
    cache.save(bodies)
    again = BodyCache(file)  # a later run: every outline comes from the file
    assert again.read_outlines(bodies) == 0
    assert [again.links(b, f) for b, f in bodies] == [outline(b, f).links for b, f in bodies]


@pytest.mark.parametrize("count", [3, cache_module.PARALLEL_FROM + 50],
                         ids=["here", "worker processes"])
def test_macro_scans_read_with_the_outlines_equal_a_scan_here(tmp_path, count):
    macros = open_kb(make_kb(tmp_path / "kb", {})).macros
    texts = [f"Step {n}: {{{{ support.company }}}}{{% if n %}} {n}{{% endif %}}"
             + (" {{ broken" if n % 9 == 0 else "") for n in range(count)]
    bodies = [(text, 1) for text in texts]
    file = tmp_path / "bodies.pickle"
    cache = BodyCache(file)
    assert cache.start_outlines(bodies, scans=(macros, iter(texts)))() == count
    assert [cache.macro_scan(macros, t) for t in texts] == [macros.scan(t) for t in texts]
    assert sum(scan.error is not None for scan in map(macros.scan, texts)) == -(-count // 9)
    cache.save(bodies)
    kept = pickle.loads(file.read_bytes())["parts"][("macros", macros.syntax)]
    assert len(kept) == count  # scanned with the outlines, not when asked for
