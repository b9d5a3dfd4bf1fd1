"""Pages' macros compiled once and kept between runs (kbtools.content.compiled)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from kbtools.content.budget import Limits
from kbtools.content.compiled import KEEP_DAYS, CompiledCache, compiled_cache_file
from kbtools.content.macros import MacroError, build_macros
from kbtools.registry import open_kb
from tests.support import make_kb
from tests.test_bounds import BOMB_PAGE, MACRO_BOMBS

REPO = Path(__file__).resolve().parent.parent
FACTS = {"support": {"company": "Example Co", "hours": ["mon", "tue"]}}
PAGES = [
    "Write to {{ support.company }}.\n",  # looks values up only: compiled as it is
    "Open on {% for day in support.hours %}{{ day }}{% if not loop.last %}, "
    "{% endif %}{% endfor %}.\n",  # a loop: compiled with the sandbox's counting
    "{{ support.company | upper }} and {{ 'ab' ~ 'cd' }}\n",
]


def macros(file: Path, **kwargs):
    cache = CompiledCache(file)
    return build_macros(file.parent, FACTS, None, cache=cache, **kwargs), cache


def test_a_page_compiled_by_one_run_is_loaded_by_the_next(tmp_path):
    file = tmp_path / "macros.sqlite"
    first, cache = macros(file)
    expected = [first.render(page, path="a.md") for page in PAGES]
    assert expected[1] == "Open on mon, tue.\n"
    assert (cache.hits, cache.misses) == (0, len(PAGES))
    cache.save()
    # another process: nothing of the first run's is in memory there
    script = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from kbtools.content.compiled import CompiledCache\n"
        "from kbtools.content.macros import build_macros\n"
        f"cache = CompiledCache(Path({str(file)!r}))\n"
        f"m = build_macros(Path({str(tmp_path)!r}), {FACTS!r}, None, cache=cache)\n"
        f"out = [m.render(p, path='a.md') for p in {PAGES!r}]\n"
        "print(json.dumps([out, cache.hits, cache.misses]))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, check=True)
    import json
    rendered, hits, misses = json.loads(done.stdout)
    assert rendered == expected
    assert (hits, misses) == (len(PAGES), 0)


def test_the_cache_changes_nothing_a_page_renders(tmp_path):
    cached, cache = macros(tmp_path / "macros.sqlite")
    plain = build_macros(tmp_path, FACTS, None)
    for page in PAGES:
        assert cached.render(page, path="a.md") == plain.render(page, path="a.md")
    cache.save()
    again, cache = macros(tmp_path / "macros.sqlite")
    for page in PAGES:
        assert again.render(page, path="a.md") == plain.render(page, path="a.md")
    assert cache.hits == len(PAGES)


@pytest.mark.parametrize("bomb_name", ["range nesting", "string multiplication",
                                       "recursive macro", "long output"])
def test_a_loaded_page_keeps_its_limits_and_lines(tmp_path, bomb_name):
    page = BOMB_PAGE.format(MACRO_BOMBS[bomb_name])
    file = tmp_path / "macros.sqlite"
    found = []
    for run in range(2):
        sandbox, cache = macros(file)
        with pytest.raises(MacroError) as caught:
            sandbox.render(page, path="docs/bomb.md", first_line=7)
        found.append((caught.value.line, caught.value.code))
        assert (cache.hits, cache.misses) == ((0, 1) if run == 0 else (1, 0))
        cache.save()
    assert found == [(11, "macro.limit")] * 2  # the fifth line of a body from line 7


def test_what_the_compiler_depends_on_is_part_of_the_key(tmp_path):
    file = tmp_path / "macros.sqlite"
    first, cache = macros(file, limits=Limits())
    first.render(PAGES[1], path="a.md")
    cache.save()
    # a filter added by the macros module: the compiler checks filter names
    (tmp_path / "m.py").write_text(
        "def define_env(env):\n    env.filter(lambda s: s[::-1], 'backwards')\n")
    cache = CompiledCache(file)
    other = build_macros(tmp_path, FACTS, "m.py", cache=cache)
    assert other.render(PAGES[1], path="a.md") == "Open on mon, tue.\n"
    assert (cache.hits, cache.misses) == (0, 1)
    assert other.render("{{ support.company | backwards }}", path="a.md") == "oC elpmaxE"


def test_a_broken_or_locked_file_only_costs_time(tmp_path):
    file = tmp_path / "macros.sqlite"
    file.write_bytes(b"this is not a database" * 100)
    sandbox, cache = macros(file)
    assert sandbox.render(PAGES[0], path="a.md") == "Write to Example Co.\n"
    cache.save()  # no exception
    assert file.read_bytes() == b"this is not a database" * 100
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()  # cannot be opened at all
    sandbox, cache = macros(folder)
    assert sandbox.render(PAGES[1], path="a.md") == "Open on mon, tue.\n"
    cache.save()


def test_a_damaged_entry_is_compiled_again(tmp_path):
    file = tmp_path / "macros.sqlite"
    sandbox, cache = macros(file)
    sandbox.render(PAGES[1], path="a.md")
    cache.save()
    with sqlite3.connect(file) as db:  # Jinja's header kept, what follows it damaged
        [(key, code)] = db.execute("SELECT key, code FROM compiled").fetchall()
        assert code.startswith(bc_magic)
        db.execute("UPDATE compiled SET code = ? WHERE key = ?",
                   (code[:len(bc_magic)] + b"\xff\x00\xff\x00", key))
    sandbox, cache = macros(file)
    assert sandbox.render(PAGES[1], path="a.md") == "Open on mon, tue.\n"
    assert (cache.hits, cache.misses) == (0, 1)


def test_entries_unused_for_weeks_are_removed(tmp_path):
    file = tmp_path / "macros.sqlite"
    day = date(2026, 1, 1)
    sandbox, cache = macros(file)
    for page in PAGES:
        sandbox.render(page, path="a.md")
    cache.save(today=day)
    # weeks later only the first page is rendered again: it stays, the others go
    sandbox, cache = macros(file)
    sandbox.render(PAGES[0], path="a.md")
    cache.save(today=day + timedelta(days=KEEP_DAYS - 1))
    assert _rows(file) == 3
    sandbox, cache = macros(file)
    cache.save(today=day + timedelta(days=KEEP_DAYS + 1))  # nothing used: nothing written
    assert _rows(file) == 3
    sandbox, cache = macros(file)
    sandbox.render(PAGES[0], path="a.md")
    cache.save(today=day + timedelta(days=KEEP_DAYS + 1))
    assert _rows(file) == 1
    assert cache.hits == 1


def test_a_file_of_the_older_layout_is_emptied_and_used_again(tmp_path):
    """The day of use had been a column after the compiled code (a save read, and each day
    rewrote, every entry's code): such a file is emptied, then filled in the new layout."""
    file = tmp_path / "macros.sqlite"
    with sqlite3.connect(file) as db:
        db.execute("CREATE TABLE compiled (key TEXT PRIMARY KEY, code BLOB NOT NULL, "
                   "used TEXT NOT NULL)")
        db.execute("INSERT INTO compiled VALUES ('kb:old', ?, '2026-01-01')", (b"x" * 9000,))
    sandbox, cache = macros(file)
    assert sandbox.render(PAGES[1], path="a.md") == "Open on mon, tue.\n"
    assert (cache.hits, cache.misses) == (0, 1)
    cache.save(today=date(2026, 2, 1))
    with sqlite3.connect(file) as db:
        assert [r[1] for r in db.execute("PRAGMA table_info(compiled)")] == ["key", "code"]
        assert db.execute("SELECT count(*), min(day) FROM used").fetchone() == (1, "2026-02-01")
    assert _rows(file) == 1
    sandbox, cache = macros(file)
    sandbox.render(PAGES[1], path="a.md")
    assert (cache.hits, cache.misses) == (1, 0)


def test_a_build_keeps_compiled_pages_for_the_next_one(tmp_path):
    root = make_kb(tmp_path, {"docs/faq/a.md": (
        "---\ntitle: A\nowner: ann\naudience: public\n---\n"
        "Mail {{ support.email }} {% for i in range(2) %}{{ i }}{% endfor %}.\n")})
    kb = open_kb(root)
    assert kb.macros_for("en").cache is kb.compiled is kb.macros_for("en", public=True).cache
    kb.macros.render(kb.corpus.get("docs/faq/a.md").body, path="docs/faq/a.md")
    kb.save_caches()
    assert _rows(compiled_cache_file(kb.config)) == 1
    again = open_kb(root)
    again.macros.render(again.corpus.get("docs/faq/a.md").body, path="docs/faq/a.md")
    assert (again.compiled.hits, again.compiled.misses) == (1, 0)
    assert open_kb(root, cache=False).compiled is None
    assert open_kb(root, cache=False).macros.cache is None


def _rows(file: Path) -> int:
    with sqlite3.connect(file) as db:
        return db.execute("SELECT count(*) FROM compiled").fetchone()[0]
