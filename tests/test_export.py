"""`kb export macros`: Zendesk macro JSON in the documented shape, and CSV, per language."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.errors import UsageError
from kbtools.registry import open_kb
from kbtools.scripts.export import export_macros, write_exports
from tests.support import REPO, make_kb

# The macro object as documented in Zendesk's Macros API ("JSON format"): writable properties,
# of which title and actions are mandatory; actions as in its Actions reference ("field" and
# "value", value a string or, for a few actions, a list of strings), with the fields that
# macros may set (shared actions plus the macro-only comment and subject actions).
MACRO_PROPERTIES = {"actions": list, "active": bool, "description": str, "position": int,
                    "restriction": (dict, type(None)), "title": str}
MACRO_REQUIRED = {"title", "actions"}
MACRO_ACTION_FIELDS = {
    "status", "type", "priority", "group_id", "assignee_id", "set_tags", "current_tags",
    "remove_tags", "custom_status_id", "ticket_form_id", "follower", "share_ticket",
    "subject", "comment_value", "comment_value_html", "comment_mode_is_public",
}
ZENDESK_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_.]+)\s*\}\}")


def assert_zendesk_macro(macro: dict) -> None:
    """Fail unless ``macro`` is a macro object Zendesk's API documents (create/update body)."""
    assert MACRO_REQUIRED <= set(macro), f"missing {MACRO_REQUIRED - set(macro)}"
    for key, value in macro.items():
        assert key in MACRO_PROPERTIES, f"{key} is not a writable macro property"
        assert isinstance(value, MACRO_PROPERTIES[key]), f"{key}: {type(value).__name__}"
    assert macro["title"].strip() and macro["actions"]
    for action in macro["actions"]:
        assert set(action) == {"field", "value"}
        assert action["field"] in MACRO_ACTION_FIELDS, action["field"]
        value = action["value"]
        assert isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value))
        if action["field"] == "comment_mode_is_public":
            assert value in ("true", "false")
        if action["field"] == "current_tags":
            assert all(re.fullmatch(r"[\w:/.-]+", tag) for tag in value.split(" ")), value
    if macro.get("restriction") is not None:
        assert macro["restriction"]["type"] in ("Group", "User")
    json.dumps({"macro": macro})  # the create request body serialises


SCRIPT = """\
---
title: Outage acknowledged
owner: ann
tags: [outage, status page]
channel: email
situation: outage
use_when: An open incident affects the customer.
placeholders:
  customer_name: {description: "First name", fallback: there}
  ticket_id: {description: "Ticket number"}
  incident_id: {description: "Incident reference"}
  affected_area: {description: "What is affected", fallback: "parts of the app"}
---
Hi {{ customer_name }},

We are working on incident {{ incident_id }} affecting {{ affected_area }}.
Your ticket is {{ ticket_id }}; we answer {{ support.hours_text }}.

The Example support team
"""

PHONE = """\
---
title: Callback script
owner: ann
channel: phone
situation: general
placeholders:
  customer_name: {description: "First name", fallback: there}
---
Hello {{ customer_name }}, this is Example support calling back.
"""

RU = """\
---
title: Сбой подтверждён
owner: ann
placeholders:
  customer_name: {description: "Имя", fallback: ""}
  ticket_id: {description: "Номер обращения"}
  incident_id: {description: "Номер инцидента"}
  affected_area: {description: "Что затронуто", fallback: "часть сервисов"}
---
Здравствуйте{% if customer_name %}, {{ customer_name }}{% endif %}.

Инцидент {{ incident_id }} затрагивает {{ affected_area }}. Обращение {{ ticket_id }}.
"""


@pytest.fixture
def kb(tmp_path):
    make_kb(tmp_path, {"docs/scripts/outage.md": SCRIPT, "docs/scripts/outage.ru.md": RU,
                       "docs/scripts/callback.md": PHONE})
    return open_kb(tmp_path)


def test_zendesk_export_is_one_file_per_language_in_the_documented_shape(kb):
    files = export_macros(kb, "zendesk")
    assert [(f.lang, f.filename, f.count) for f in files] == [
        ("en", "macros.en.json", 2), ("ru", "macros.ru.json", 1)]
    for file in files:
        data = json.loads(file.content)
        assert set(data) == {"macros", "count"} and data["count"] == len(data["macros"])
        for macro in data["macros"]:
            assert_zendesk_macro(macro)


def test_zendesk_macro_content_and_placeholders(kb):
    data = json.loads(export_macros(kb, "zendesk", ["en"])[0].content)
    callback, outage = data["macros"]
    assert outage["title"] == "Outage acknowledged"
    assert outage["active"] is True and outage["restriction"] is None
    actions = {a["field"]: a["value"] for a in outage["actions"]}
    assert actions["comment_value"] == (
        "Hi {{ticket.requester.first_name}},\n\n"
        "We are working on incident [incident_id] affecting parts of the app.\n"
        "Your ticket is {{ticket.id}}; we answer Monday to Friday, 08:00-20:00.\n\n"
        "The Example support team\n")
    assert actions["comment_mode_is_public"] == "true"
    assert actions["current_tags"] == "outage status_page"
    assert outage["description"] == ("An open incident affects the customer. Replace before "
                                     "sending: [incident_id] Incident reference.")
    # every Zendesk placeholder left in the text is one Zendesk knows
    names = set(ZENDESK_PLACEHOLDER.findall(actions["comment_value"]))
    assert names == {"ticket.requester.first_name", "ticket.id"}
    # a phone script is read aloud: an internal note, not a public reply
    assert {a["field"]: a["value"] for a in callback["actions"]}["comment_mode_is_public"] == "false"


def test_zendesk_translation_keeps_template_logic_and_maps_placeholders(kb):
    data = json.loads(export_macros(kb, "zendesk", ["ru"])[0].content)
    (macro,) = data["macros"]
    text = macro["actions"][0]["value"]
    assert text.startswith("Здравствуйте, {{ticket.requester.first_name}}.\n")
    assert "{%" not in text and "[incident_id]" in text and "часть сервисов" in text


def test_csv_export(kb):
    (file,) = export_macros(kb, "csv", ["en"])
    rows = list(csv.DictReader(io.StringIO(file.content)))
    assert [r["name"] for r in rows] == ["callback", "outage"]
    outage = rows[1]
    assert outage["placeholders"] == "customer_name ticket_id incident_id affected_area"
    assert outage["required"] == "ticket_id incident_id"
    assert outage["reply"].startswith("Hi [customer_name],\n\nWe are working on incident "
                                      "[incident_id] affecting [affected_area].")
    assert (outage["channel"], outage["situation"]) == ("email", "outage")


def test_bad_format_and_language(kb):
    with pytest.raises(UsageError, match="unknown export format"):
        export_macros(kb, "freshdesk")
    with pytest.raises(UsageError, match="unknown language xx"):
        export_macros(kb, "csv", ["xx"])


def test_write_exports_folder_or_single_file(kb, tmp_path):
    files = export_macros(kb, "zendesk")
    written = write_exports(files, tmp_path / "out")
    assert sorted(p.name for p in written) == ["macros.en.json", "macros.ru.json"]
    assert json.loads(written[0].read_text(encoding="utf-8"))["count"] == 2
    assert not list((tmp_path / "out").glob(".*.tmp"))
    single = write_exports(export_macros(kb, "csv", ["ru"]), tmp_path / "ru.csv")
    assert single == [tmp_path / "ru.csv"] and "Сбой подтверждён" in single[0].read_text("utf-8")
    with pytest.raises(UsageError, match="must be a folder"):
        write_exports(files, tmp_path / "both.json")


def test_cli_export(kb, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(kb.root), "export", "macros", "--format", "csv",
                                  "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("name,lang,title,")
    out = tmp_path / "exports"
    result = runner.invoke(main, ["--root", str(kb.root), "export", "macros", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}/macros.en.json: 2 macro(s) in en" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["macros.en.json", "macros.ru.json"]
    bad = runner.invoke(main, ["--root", str(kb.root), "export", "macros", "--lang", "xx"])
    assert bad.exit_code == 2 and "unknown language xx" in bad.stderr


def test_example_kb_exports_valid_macros():
    kb = open_kb(REPO)
    for file in export_macros(kb, "zendesk"):
        data = json.loads(file.content)
        assert data["count"] >= 1
        for macro in data["macros"]:
            assert_zendesk_macro(macro)
            text = macro["actions"][0]["value"]
            assert "{%" not in text and "{{ " not in text  # no Jinja left, only Zendesk's
