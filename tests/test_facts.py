"""Shared facts: typed views, translated wording per language, public withholding."""

from __future__ import annotations

from datetime import datetime, timedelta

from kbtools.content.check import check
from kbtools.content.macros import COMPILED
from kbtools.registry import open_kb
from tests.support import SUPPORT, article, make_kb


def test_typed_support_facts(tmp_path):
    make_kb(tmp_path, {})
    facts = open_kb(tmp_path).facts
    assert facts.service_levels["P1"].first_response == timedelta(minutes=30)
    assert facts.service_levels["P2"].resolution == timedelta(days=1)
    assert facts.after_hours_required == ("P1", "P2")
    assert set(facts.contacts) == {"tier1", "duty-manager"}
    # Monday 2026-11-23, 07:59 and 08:00 local time in Ljubljana (UTC+1 in November)
    assert not facts.hours.is_open(datetime(2026, 11, 23, 7, 59))
    assert facts.hours.is_open(datetime(2026, 11, 23, 8, 0))
    assert not facts.hours.is_open(datetime(2026, 11, 28, 12, 0))  # Saturday


def test_translated_fact_wording_per_language(tmp_path):
    make_kb(tmp_path, {"macros/data/support.ru.yml": "hours_text: с 8 до 20\n"})
    kb = open_kb(tmp_path)
    text = "{{ support.hours_text }} / {{ support.email }}"
    assert kb.macros_for("ru").render(text, path="x") == "с 8 до 20 / help@example.test"
    assert kb.macros_for("en").render(text, path="x") == (
        "Monday to Friday, 08:00-20:00 / help@example.test")
    assert kb.macros_for("fa").render(text, path="x").startswith("Monday")


def test_override_of_a_missing_namespace_is_reported(tmp_path):
    make_kb(tmp_path, {"macros/data/prices.ru.yml": "x: 1\n", "docs/a.md": article("A")})
    assert [f.format() for f in check(open_kb(tmp_path)).findings] == [
        "macros/data/prices.ru.yml:1: error: translates prices.yml, which does not exist "
        "[facts.override]"]


def test_public_sandbox_withholds_internal_facts(tmp_path):
    make_kb(tmp_path, {})
    kb = open_kb(tmp_path)
    assert "contacts" in kb.macros.names
    assert "contacts" not in kb.macros_for("ru", public=True).names
    assert "contacts" not in kb.public_macros.names


def test_macros_module_functions_are_available(tmp_path):
    make_kb(tmp_path, {"macros/main.py": (
        "def define_env(env):\n"
        "    @env.macro\n"
        "    def shout(text):\n"
        "        return text.upper()\n"),
        "docs/a.md": article("A", body="{{ shout(support.company) }}\n")})
    kb = open_kb(tmp_path)
    assert kb.macros.render("{{ shout(support.company) }}", path="x") == "EXAMPLE CO"
    assert check(kb).findings == ()


def test_support_facts_without_after_hours_required_are_fine(tmp_path):
    support = "\n".join(line for line in SUPPORT.splitlines()
                        if not line.startswith("after_hours_required"))
    kb = open_kb(make_kb(tmp_path, {"macros/data/support.yml": support + "\n"}))
    assert [f.format() for f in kb.findings if f.code.startswith("facts.")] == []


def test_compiled_macros_kept_are_the_most_recent_and_bounded(tmp_path):
    # A build renders thousands of pages: every compiled page kept was the macros' largest
    # use of memory. The last few are kept, as the kind's renderer renders a body again.
    make_kb(tmp_path, {})
    macros = open_kb(tmp_path).macros
    texts = [f"{{{{ support.company }}}} page {n}" for n in range(COMPILED * 3)]
    for text in texts:
        assert macros.render(text, path="x") == f"Example Co page {text.rsplit(' ', 1)[1]}"
    kept = macros._compiled
    assert list(kept) == texts[-COMPILED:]
    first = kept[texts[-COMPILED]]
    assert macros.render(texts[-COMPILED], path="x").startswith("Example Co")
    assert kept[texts[-COMPILED]] is first  # reused, not compiled again
    assert list(kept)[-1] == texts[-COMPILED]  # and now the most recent
