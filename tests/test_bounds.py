"""Bounded cost of what authors write: YAML alias bombs, deep and oversized YAML, and macros
that loop, multiply, join, format or recurse without end. Each is a finding at ``path:line``
(or a ConfigError with it), quickly: never a hang, a MemoryError or a traceback.

The real ``kb`` runs in a subprocess with a timeout, so a regression shows as a failed test,
not as a test run that never ends.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kbtools.content import yamldoc
from kbtools.content.budget import Limits
from kbtools.content.macros import MacroError, build_macros
from kbtools.content.plaintext import plain_text
from kbtools.registry import open_kb
from tests.support import MKDOCS, OWNERS, article, make_kb

TIMEOUT = 30  # seconds: a hang guard only; each case takes well under one


def bomb(name: str = "lol") -> str:
    """A "billion laughs": nine levels of nine aliases, 9**9 values in ~430 bytes."""
    lines = [f"{name}: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for level in range(1, 9):
        lines.append(f"l{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def kb_command(root: Path, *args: str) -> subprocess.CompletedProcess:
    kb = shutil.which("kb", path=str(Path(sys.executable).parent)) or shutil.which("kb")
    assert kb, "the kb console script is installed by `pip install -e .`"
    done = subprocess.run([kb, "--root", str(root), *args], capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


# -- YAML -------------------------------------------------------------------------------

FRONT = "---\ntitle: A\nowner: ann\n" + bomb("tags") + "---\nText.\n"
YAML_PLACES = {
    # place: (file, its text, the command that reads it, expected exit code)
    "front matter": ("docs/faq/a.md", FRONT, "check", 1),
    "kb.yml": ("kb.yml", "languages: [en]\n" + bomb(), "check", 2),
    "owners.yml": ("owners.yml", OWNERS + bomb(), "check", 1),
    "facts": ("macros/data/products.yml", "app: Example App\n" + bomb(), "check", 1),
    "synonyms.yml": ("synonyms.yml", "groups: [[refund, money back]]\n" + bomb(), "search", 2),
    "mkdocs.yml": ("mkdocs.yml", MKDOCS + bomb(), "build", 2),
}


@pytest.mark.parametrize("place", YAML_PLACES)
def test_a_yaml_alias_bomb_is_a_finding_at_its_line_not_a_hang(tmp_path, place):
    path, text, command, code = YAML_PLACES[place]
    files = {"docs/faq/b.md": article("B", owner="ann"), path: text}
    make_kb(tmp_path, files)
    args = {"search": ["search", "refund"], "build": ["build", "--out", str(tmp_path / "out")]
            }.get(command, [command])
    done = kb_command(tmp_path, *args)
    assert done.returncode == code, done.stdout + done.stderr
    line = line_of(text, "l4:")  # the aliases pass 10,000 values on the fifth level
    assert f"{path}:{line}: error: YAML aliases (*name) stand for more than 10,000 values" \
        in done.stdout + done.stderr
    assert "[yaml.aliases]" in done.stdout + done.stderr


def test_yaml_with_a_few_anchors_still_loads(tmp_path):
    facts = ("weekdays: &weekdays {days: [mon, tue, wed, thu, fri], open: '08:00'}\n"
             "hours: {<<: *weekdays, close: '20:00'}\n"
             "timezone: Europe/Ljubljana\n"
             "after_hours_required: [P1]\n"
             "billing_hours: *weekdays\n")
    make_kb(tmp_path, {"macros/data/support.yml": facts,
                       "docs/a.md": article("A", "{{ support.billing_hours.open }}\n",
                                            owner="ann")})
    kb = open_kb(tmp_path)
    assert not kb.findings
    assert kb.facts.hours.close.isoformat() == "20:00:00"
    assert kb.facts.namespaces["support"]["billing_hours"]["days"][0] == "mon"


def test_an_alias_inside_its_own_anchor_is_a_finding(tmp_path):
    make_kb(tmp_path, {"macros/data/products.yml": "app: x\nloop: &loop [1, *loop]\n"})
    findings = [f.format() for f in open_kb(tmp_path).findings]
    assert findings == ["macros/data/products.yml:2: error: an alias names a value that "
                        "contains the alias itself; YAML here must be a tree, not a loop "
                        "[yaml.aliases]"]


def test_deep_yaml_is_a_finding_not_a_recursion_error(tmp_path):
    deep = "people:\n  ann: {name: Ann, team: support}\nextra: " + "{a: " * 300 + "1" \
        + "}" * 300 + "\n"
    make_kb(tmp_path, {"owners.yml": deep})
    findings = [f for f in open_kb(tmp_path).findings if f.path == "owners.yml"]
    assert [(f.line, f.code) for f in findings] == [(3, "yaml.too-deep")]
    assert "nests more than 50 levels deep" in findings[0].message


def test_an_oversized_yaml_file_is_refused_before_it_is_read(tmp_path):
    big = "app: x\nnotes: " + "x" * (yamldoc.MAX_BYTES + 1) + "\n"
    make_kb(tmp_path, {"macros/data/products.yml": big})
    findings = [f.format() for f in open_kb(tmp_path).findings]
    assert len(findings) == 1
    assert findings[0].startswith("macros/data/products.yml:1: error: YAML document is "
                                  f"{len(big):,} bytes, over the limit of "
                                  f"{yamldoc.MAX_BYTES:,}")
    assert findings[0].endswith("[yaml.too-large]")


def test_yaml_limits_apply_to_text_as_well():
    with pytest.raises(yamldoc.YAMLLimitError) as caught:
        yamldoc.load("title: " + "x" * 200 + "\n", first_line=2, max_bytes=100)
    assert (caught.value.line, caught.value.code) == (2, "yaml.too-large")
    with pytest.raises(yamldoc.YAMLLimitError) as caught:
        yamldoc.load("title: A\n" + bomb(), first_line=2)
    assert (caught.value.line, caught.value.code) == (7, "yaml.aliases")
    doc = yamldoc.load("a: &x {b: [1, 2]}\nc: *x\nd: [*x, *x]\n")
    assert doc.data == {"a": {"b": [1, 2]}, "c": {"b": [1, 2]}, "d": [{"b": [1, 2]}] * 2}


# -- macros -----------------------------------------------------------------------------

MACRO_BOMBS = {
    "range nesting": "{% for i in range(100000) %}{% for j in range(100000) %}"
                     "{% endfor %}{% endfor %}",
    "string multiplication": "{{ 'x' * 400000000 }}",
    "huge join": "{{ range(100000)|join('x' * 100000) }}",
    "huge format": "{{ '%400000000s'|format('x') }}",
    "huge str.format": "{{ '{:>400000000}'.format('x') }}",
    # `{% set f = f %}`: the static check does not yet know a {% macro %}'s own name
    "recursive macro": "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{% set f = f %}"
                       "{{ f(1) }}",
    "branching macro": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
                       "{% endmacro %}{% set f = f %}{{ f(60) }}",
    "recursive loop": "{% for x in [1] recursive %}{{ loop([1, 1]) }}{% endfor %}",
    "doubling string": "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
                       "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "huge number": "{{ 9 ** 999999999 }}",
    "long output": "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
}
BOMB_PAGE = "Intro.\n\nMore.\n\n{}\n"  # the macro is on the body's fifth line


def bomb_kb(root: Path, macro: str) -> Path:
    return make_kb(root, {"docs/index.md": article("Home", "Hi.\n", owner="ann"),
                          "docs/faq/bomb.md": article("Bomb", BOMB_PAGE.format(macro),
                                                      owner="ann")})


def bomb_line() -> int:
    text = article("Bomb", BOMB_PAGE.format("MACRO"), owner="ann")
    return line_of(text, "MACRO")


@pytest.mark.parametrize("bomb_name", MACRO_BOMBS)
def test_a_macro_bomb_breaks_a_limit_at_its_line_quickly(tmp_path, bomb_name):
    kb = open_kb(bomb_kb(tmp_path, MACRO_BOMBS[bomb_name]))
    page = kb.corpus.get("docs/faq/bomb.md")
    started = time.monotonic()
    with pytest.raises(MacroError) as caught:
        kb.macros.render(page.body, path=page.path, first_line=page.body_line)
    assert time.monotonic() - started < Limits().seconds + 1
    assert (caught.value.path, caught.value.line, caught.value.code) == (
        "docs/faq/bomb.md", bomb_line(), "macro.limit")
    assert caught.value.message.startswith("over a macro limit: ")
    # the search index keeps the page (its raw text) and reports the limit
    problems = plain_text(kb, page).problems
    assert problems == (f"docs/faq/bomb.md:{bomb_line()}: {caught.value.message}",)


@pytest.mark.parametrize("bomb_name", ["range nesting", "string multiplication", "huge join",
                                       "huge format", "recursive macro"])
def test_kb_check_reports_a_macro_bomb(tmp_path, bomb_name):
    done = kb_command(bomb_kb(tmp_path, MACRO_BOMBS[bomb_name]), "check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"docs/faq/bomb.md:{bomb_line()}: error: over a macro limit: " in done.stdout
    assert "[macro.limit]" in done.stdout


@pytest.mark.parametrize("bomb_name", ["range nesting", "string multiplication", "huge join",
                                       "huge format", "recursive macro"])
def test_kb_build_refuses_a_macro_bomb_with_the_finding(tmp_path, bomb_name):
    root = bomb_kb(tmp_path, MACRO_BOMBS[bomb_name])
    done = kb_command(root, "build")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"docs/faq/bomb.md:{bomb_line()}: error: over a macro limit: " \
        in done.stdout + done.stderr
    assert not (root / "site").exists()


def test_limit_problems_finds_the_bomb_and_skips_plain_lookups(tmp_path):
    kb = open_kb(bomb_kb(tmp_path, MACRO_BOMBS["huge join"]))
    page = kb.corpus.get("docs/faq/bomb.md")
    found = kb.macros.limit_problems(page.body, path=page.path, first_line=page.body_line)
    assert [(f.line, f.code) for f in found] == [(bomb_line(), "macro.limit")]
    assert kb.macros.limit_problems("{{ support.email }} and {{ support.sla['P1'].name }}",
                                    path="a.md") == []


FACTS_PAGE = """\
# Service levels

{% for priority, level in support.sla|dictsort %}
- {{ priority }}: {{ level.name }}, first answer within {{ level.first_response }}{{ '' ~ '.' }}
{% endfor %}
{% set names = support.sla|dictsort|map('last')|map(attribute='name')|join(', ') %}
All: {{ names }}. {{ '%s hours' % support.hours_text }}, {{ '{} days'.format(5) }}.
"""


def test_a_normal_page_with_a_loop_over_facts_still_renders(tmp_path):
    kb = open_kb(make_kb(tmp_path, {"docs/sla.md": article("SLA", FACTS_PAGE, owner="ann")}))
    page = kb.corpus.get("docs/sla.md")
    text = kb.macros.render(page.body, path=page.path, first_line=page.body_line)
    assert "- P1: Critical, first answer within 30m." in text
    assert "- P3: Normal, first answer within 8h." in text
    assert "All: Critical, High, Normal. Monday to Friday, 08:00-20:00 hours, 5 days." in text
    assert kb.macros.limit_problems(page.body, path=page.path) == []
    done = kb_command(tmp_path, "check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_limits_are_the_pages_own(tmp_path):
    macros = build_macros(tmp_path, {"items": list(range(50))}, None,
                          limits=Limits(max_steps=100, max_chars=500))
    loop = "{% for i in items %}{{ i }}{% endfor %}"
    assert macros.render(loop, path="a.md") == "".join(map(str, range(50)))
    # each render has its own budget: a second render of the same page also fits
    assert macros.render(loop, path="a.md") == "".join(map(str, range(50)))
    with pytest.raises(MacroError, match="more than 100 loop iterations and calls"):
        macros.render("{% for i in items %}{% for j in items %}{% endfor %}{% endfor %}",
                      path="a.md")
    with pytest.raises(MacroError, match="the page would be over 500 characters"):
        macros.render("{% for i in items %}{{ 'x' * 20 }}{% endfor %}", path="a.md")


def test_the_deadline_stops_a_page_of_slow_steps(tmp_path):
    macros = build_macros(tmp_path, {}, None, limits=Limits(seconds=0.2))
    slow = ("{% set letters = ('x' * 1000000)|list %}"
            "{% for i in range(1000) %}{{ letters|sort|length }}{% endfor %}")
    with pytest.raises(MacroError, match="rendering took more than 0.2 s") as caught:
        macros.render(slow, path="a.md", first_line=4)
    assert (caught.value.line, caught.value.code) == (4, "macro.limit")


def test_a_deeply_nested_expression_is_a_syntax_finding(tmp_path):
    macros = build_macros(tmp_path, {}, None)
    text = "{{ " + "[" * 200 + "]" * 200 + " }}"
    assert [f.code for f in macros.problems(text, path="a.md")] == ["macro.syntax"]
    with pytest.raises(MacroError, match="nested too deeply"):
        macros.render(text, path="a.md")
