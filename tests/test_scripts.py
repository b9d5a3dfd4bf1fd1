"""Answer scripts: filling placeholders, fallbacks, errors, the sandbox, `kb script`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.errors import ContentError, NotFoundError, UsageError
from kbtools.registry import open_kb
from kbtools.scripts.replies import find_script, list_scripts, render_script
from tests.support import make_kb

REFUND = """\
---
title: Refund approved
owner: ann
reviewed: 2026-10-01
channel: email
situation: refund
tone: warm
use_when: The refund has been approved in the billing console.
placeholders:
  customer_name: {description: "Customer's first name", fallback: there}
  amount: {description: "Refunded amount with currency"}
  order_id: {description: "Order reference"}
---
Hi {{ customer_name }},

Your refund of {{ amount }} for order {{ order_id }} is on its way.
We answer {{ support.hours_text }}.

The Example support team
"""

REFUND_RU = """\
---
title: Возврат одобрен
owner: ann
placeholders:
  customer_name: {description: "Имя клиента", fallback: ""}
  amount: {description: "Сумма"}
  order_id: {description: "Номер заказа"}
---
Здравствуйте{% if customer_name %}, {{ customer_name }}{% endif %}.

Возврат {{ amount }} по заказу {{ order_id }} оформлен.
"""

FULL = {"customer_name": "Ann", "amount": "EUR 29.00", "order_id": "ORD-1"}


@pytest.fixture
def kb(tmp_path):
    make_kb(tmp_path, {"docs/scripts/refund-approved.md": REFUND,
                       "docs/scripts/refund-approved.ru.md": REFUND_RU})
    return open_kb(tmp_path)


def test_render_fills_values_and_shared_facts(kb):
    reply = render_script(kb, "refund-approved", variables=FULL)
    assert reply.text == (
        "Hi Ann,\n\nYour refund of EUR 29.00 for order ORD-1 is on its way.\n"
        "We answer Monday to Friday, 08:00-20:00.\n\nThe Example support team\n")
    assert reply.fallbacks == ()
    assert (reply.channel, reply.situation, reply.tone) == ("email", "refund", "warm")


def test_render_uses_fallback_for_missing_optional(kb):
    reply = render_script(kb, "refund-approved", variables={"amount": "EUR 5", "order_id": "X"})
    assert reply.text.startswith("Hi there,\n")
    assert reply.fallbacks == ("customer_name",)


def test_blank_value_counts_as_not_given(kb):
    reply = render_script(kb, "refund-approved",
                          variables={"customer_name": "  ", "amount": "EUR 5", "order_id": "X"})
    assert reply.text.startswith("Hi there,\n")
    with pytest.raises(UsageError, match="missing required amount"):
        render_script(kb, "refund-approved", variables={"amount": "", "order_id": "X"})


def test_missing_required_lists_all_of_them(kb):
    with pytest.raises(UsageError) as caught:
        render_script(kb, "refund-approved")
    message = str(caught.value)
    assert message.startswith("docs/scripts/refund-approved.md: missing required ")
    assert "amount (Refunded amount with currency)" in message
    assert "order_id (Order reference)" in message
    assert 'give them with --var amount="..." --var order_id="..."' in message
    assert "customer_name" not in message.split(";")[0]


def test_unknown_variable_is_an_error_with_a_hint(kb):
    with pytest.raises(UsageError, match=r"unknown variable amonut \(did you mean amount\?\)"):
        render_script(kb, "refund-approved", variables={**FULL, "amonut": "1"})
    with pytest.raises(UsageError, match=r"unknown variable zzz \(placeholders: "
                                         r"customer_name, amount, order_id\)"):
        render_script(kb, "refund-approved", variables={**FULL, "zzz": "1"})


@pytest.mark.parametrize("value", [
    "{{ 7*7 }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{{ support.hours_text }}",
])
def test_values_are_inserted_as_text_never_evaluated(kb, value):
    reply = render_script(kb, "refund-approved", variables={**FULL, "amount": value})
    assert f"Your refund of {value} for order" in reply.text
    assert "49" not in reply.text and "Monday to Friday, 08:00-20:00 for" not in reply.text


@pytest.mark.parametrize("code", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ support.__class__.__init__.__globals__ }}",
])
def test_template_code_in_a_script_cannot_escape_the_sandbox(tmp_path, code):
    body = REFUND.replace("is on its way.", f"is on its way. {code}")
    make_kb(tmp_path, {"docs/scripts/refund-approved.md": body})
    with pytest.raises(ContentError) as caught:
        render_script(open_kb(tmp_path), "refund-approved", variables=FULL)
    assert str(caught.value).startswith("docs/scripts/refund-approved.md:16: macro failed")
    assert "uid=" not in str(caught.value)


def test_translation_renders_with_its_own_fallback(kb):
    reply = render_script(kb, "refund-approved", lang="ru",
                          variables={"amount": "10 EUR", "order_id": "X"})
    assert reply.text == "Здравствуйте.\n\nВозврат 10 EUR по заказу X оформлен.\n"
    assert (reply.lang, reply.situation, reply.channel) == ("ru", "refund", "email")
    named = render_script(kb, "refund-approved", lang="ru", variables={**FULL, "customer_name":
                                                                        "Анна"})
    assert named.text.startswith("Здравствуйте, Анна.\n")


def test_find_script_by_path_and_errors(kb):
    assert find_script(kb, "docs/scripts/refund-approved.ru.md").lang == "ru"
    assert find_script(kb, "docs/scripts/refund-approved.md").lang == "en"
    with pytest.raises(NotFoundError, match="did you mean refund-approved"):
        find_script(kb, "refund-aproved")
    with pytest.raises(NotFoundError, match=r"has no 'fa' translation \(available: en, ru\)"):
        find_script(kb, "refund-approved", "fa")


def test_list_scripts_per_language(kb):
    assert [s.article.path for s in list_scripts(kb)] == ["docs/scripts/refund-approved.md"]
    (ru,) = list_scripts(kb, "ru")
    assert ru.situation == "refund" and ru.placeholders["customer_name"].fallback == ""


# -- the command -------------------------------------------------------------------------

def run(root, *args, env=None):
    return CliRunner().invoke(main, ["--root", str(root), *args], env=env)


def test_cli_prints_plain_reply(kb):
    result = run(kb.root, "script", "refund-approved", "--var", "amount=EUR 29.00",
                 "--var", "order_id=ORD-1")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Hi there,\n\nYour refund of EUR 29.00 for order ORD-1")
    assert "note: customer_name not given; used its fallback" in result.stderr


def test_cli_missing_variable_exits_2_naming_them(kb):
    result = run(kb.root, "script", "refund-approved")
    assert result.exit_code == 2
    assert "kb: error: docs/scripts/refund-approved.md: missing required amount" in result.stderr
    assert result.stdout == ""


def test_cli_bad_var_syntax(kb):
    result = run(kb.root, "script", "refund-approved", "--var", "amount")
    assert result.exit_code == 2
    assert "expected NAME=VALUE" in result.stderr
    twice = run(kb.root, "script", "refund-approved", "--var", "amount=1", "--var", "amount=2")
    assert twice.exit_code == 2 and "given twice" in twice.stderr


def test_cli_json_and_lang(kb):
    result = run(kb.root, "script", "refund-approved", "--lang", "ru", "--json",
                 "--var", "amount=10 EUR", "--var", "order_id=X")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["lang"] == "ru" and data["text"].startswith("Здравствуйте.")
    assert data["fallbacks"] == ["customer_name"]


def test_cli_list(kb):
    result = run(kb.root, "script", "--json")
    assert result.exit_code == 0
    (entry,) = json.loads(result.stdout)
    assert entry["name"] == "refund-approved"
    assert entry["placeholders"]["amount"] == {"description": "Refunded amount with currency",
                                               "fallback": None}


def test_cli_copy_without_clipboard_says_so(kb, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {"PATH": str(empty), "DISPLAY": ":99", "WAYLAND_DISPLAY": "wayland-9"}
    result = run(kb.root, "script", "refund-approved", "--copy", "--var", "amount=1",
                 "--var", "order_id=2", env=env)
    assert result.exit_code == 2
    assert "Hi there," in result.stdout  # still printed, so it can be copied by hand
    assert "not copied: wl-copy is not installed; xclip is not installed; xsel is not " \
           "installed" in result.stderr
    headless = run(kb.root, "script", "refund-approved", "--copy", "--var", "amount=1",
                   "--var", "order_id=2", env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert headless.exit_code == 2
    assert "no clipboard here" in headless.stderr


def test_cli_unknown_script(kb):
    result = run(kb.root, "script", "nope")
    assert result.exit_code == 2
    assert "no answer script 'nope'" in result.stderr


def test_a_translated_script_uses_its_languages_shared_facts(tmp_path):
    body = REFUND_RU.rstrip("\n") + "\nМы отвечаем {{ support.hours_text }}.\n"
    make_kb(tmp_path, {"docs/scripts/refund-approved.md": REFUND,
                       "docs/scripts/refund-approved.ru.md": body,
                       "macros/data/support.ru.yml": "hours_text: с понедельника по пятницу\n"})
    kb = open_kb(tmp_path)
    russian = render_script(kb, "refund-approved", lang="ru", variables=FULL)
    assert "Мы отвечаем с понедельника по пятницу." in russian.text
    english = render_script(kb, "refund-approved", variables=FULL)
    assert "We answer Monday to Friday, 08:00-20:00." in english.text
