"""The placeholder guard in `kb check`: translations keep their source's placeholders."""

from __future__ import annotations

from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check
from kbtools.registry import open_kb
from tests.support import make_kb

SOURCE = """\
---
title: Refund approved
owner: ann
channel: email
situation: refund
placeholders:
  customer_name: {description: "First name", fallback: there}
  amount: {description: "Amount"}
---
Hi {{ customer_name }},

Your refund of {{ amount }} is on its way.
"""


def translation(placeholders: str, body: str) -> str:
    return f"---\ntitle: Возврат одобрен\nowner: ann\n{placeholders}---\n{body}"


GOOD_PLACEHOLDERS = ("placeholders:\n  customer_name: {description: Имя, fallback: \"\"}\n"
                     "  amount: {description: Сумма}\n")
GOOD_BODY = "Здравствуйте, {{ customer_name }}.\n\nВозврат {{ amount }} оформлен.\n"


def findings(tmp_path, files, prefix=("script.", "macro.")):
    make_kb(tmp_path, files)
    report = check(open_kb(tmp_path))
    return [f.format() for f in report.findings if f.code.startswith(prefix)]


def test_matching_translation_passes(tmp_path):
    assert findings(tmp_path, {
        "docs/scripts/refund.md": SOURCE,
        "docs/scripts/refund.ru.md": translation(GOOD_PLACEHOLDERS, GOOD_BODY),
    }) == []


def test_translation_lacking_a_placeholder(tmp_path):
    only_name = "placeholders:\n  customer_name: {description: Имя}\n"
    assert findings(tmp_path, {
        "docs/scripts/refund.md": SOURCE,
        "docs/scripts/refund.ru.md": translation(only_name, "Здравствуйте, {{ customer_name }}.\n"),
    }) == [
        "docs/scripts/refund.ru.md:4: error: the reply never uses {{ amount }}, which the "
        "source uses at docs/scripts/refund.md:12; the translated reply would lose it "
        "[script.placeholder-dropped]",
        "docs/scripts/refund.ru.md:4: error: translation lacks placeholder 'amount' that its "
        "source declares at docs/scripts/refund.md:8; declare it under placeholders: with a "
        "translated description [script.placeholder-missing]",
    ]


def test_translation_adding_a_placeholder(tmp_path):
    extra = GOOD_PLACEHOLDERS + "  order_id: {description: Номер заказа}\n"
    body = GOOD_BODY + "Заказ {{ order_id }}.\n"
    assert findings(tmp_path, {
        "docs/scripts/refund.md": SOURCE,
        "docs/scripts/refund.ru.md": translation(extra, body),
    }) == [
        "docs/scripts/refund.ru.md:7: error: translation declares placeholder 'order_id', "
        "which its source docs/scripts/refund.md does not; declare it in the source first or "
        "remove it [script.placeholder-extra]",
    ]


def test_translation_without_placeholders_block(tmp_path):
    found = findings(tmp_path, {
        "docs/scripts/refund.md": SOURCE,
        "docs/scripts/refund.ru.md": translation("", GOOD_BODY),
    })
    # the body's names are unknown there (line 5 and 7), and both declarations are missing
    assert found == [
        "docs/scripts/refund.ru.md:2: error: translation lacks placeholder 'amount' that its "
        "source declares at docs/scripts/refund.md:8; declare it under placeholders: with a "
        "translated description [script.placeholder-missing]",
        "docs/scripts/refund.ru.md:2: error: translation lacks placeholder 'customer_name' that "
        "its source declares at docs/scripts/refund.md:7; declare it under placeholders: with a "
        "translated description [script.placeholder-missing]",
        "docs/scripts/refund.ru.md:5: error: unknown macro 'customer_name' (shared facts: "
        "contacts, products, support) [macro.unknown]",
        "docs/scripts/refund.ru.md:7: error: unknown macro 'amount' (shared facts: contacts, "
        "products, support) [macro.unknown]",
    ]


def test_script_using_an_undeclared_name(tmp_path):
    body = SOURCE.replace("is on its way.", "for order {{ order_id }} is on its way.")
    assert findings(tmp_path, {"docs/scripts/refund.md": body}) == [
        "docs/scripts/refund.md:12: error: unknown macro 'order_id' (shared facts: contacts, "
        "products, support) [macro.unknown]",
    ]


def test_declared_but_unused_placeholder_is_a_warning(tmp_path):
    body = SOURCE.replace("Your refund of {{ amount }}", "Your refund")
    assert findings(tmp_path, {"docs/scripts/refund.md": body}) == [
        "docs/scripts/refund.md:8: warning: placeholder 'amount' is declared but the reply never "
        "uses {{ amount }}; use it or remove the declaration [script.placeholder-unused]",
    ]


def test_placeholder_may_not_hide_a_fact_namespace(tmp_path):
    body = SOURCE.replace("  amount: {description: \"Amount\"}",
                          "  amount: {description: \"Amount\"}\n  support: {description: x}")
    body = body.replace("is on its way.", "is on its way. {{ support }}")
    found = findings(tmp_path, {"docs/scripts/refund.md": body})
    assert found == [
        "docs/scripts/refund.md:9: error: placeholder 'support' hides the shared facts or macro "
        "'support'; rename the placeholder [script.placeholder-name]",
    ]


def test_kb_check_exits_1_on_a_guard_error(tmp_path):
    extra = GOOD_PLACEHOLDERS + "  order_id: {description: Номер заказа}\n"
    make_kb(tmp_path, {
        "docs/scripts/refund.md": SOURCE,
        "docs/scripts/refund.ru.md": translation(extra, GOOD_BODY + "{{ order_id }}\n"),
    })
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check"])
    assert result.exit_code == 1
    assert "docs/scripts/refund.ru.md:7: error: translation declares placeholder 'order_id'" \
        in result.stdout


def test_example_kb_scripts_pass_the_guard():
    from tests.support import REPO

    report = check(open_kb(REPO))
    assert [f.format() for f in report.findings if f.code.startswith("script.")] == []
