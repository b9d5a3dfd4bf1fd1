"""``kb escalate``: a real search over playbooks only, then the path for the given moment."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.errors import NotFoundError
from kbtools.playbooks.escalation import CONFIDENCE, Escalation, NoFit, escalate, parse_moment
from kbtools.registry import open_kb
from tests.support import copy_example, make_kb

CONTACTS = """\
tier1: {name: Tier 1 on shift, channel: "#floor", hours: business}
duty-manager: {name: Duty manager, phone: "+1 555 0100", hours: always}
security: {name: Security on call, pager: sec-primary, hours: always}
"""

OUTAGE = """\
---
title: Site down
priority: P1
triggers: [site down, error 500 on every page, app not loading]
tiers:
  - {contact: tier1, within: 15m, do: Reproduce it., handover: [ticket id], message: ack}
  - {contact: duty-manager, within: 1h, do: Decide on a banner.}
after_hours: {contact: duty-manager, within: 20m, how: Call the duty phone., message: ack}
close_when: Service is back.
---
Outages affect every customer at once.
"""

SECURITY = """\
---
title: Account takeover
priority: P1
triggers: [someone logged into my account, unknown login, bank details changed]
tiers:
  - {contact: tier1, within: 15m, do: Acknowledge, change nothing.}
  - {contact: security, within: 30m, do: Page security.}
after_hours: {contact: security, within: 15m, how: Page sec-primary.}
---
Someone else may have access.
"""

REFUND = """\
---
title: Refund dispute
priority: P3
triggers: [refund refused, wants refund after 30 days]
tiers:
  - {contact: tier1, within: 4h, do: Explain the refund policy.}
---
The customer disagrees with a refund decision.
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return make_kb(tmp_path_factory.mktemp("kb"), {
        "macros/data/contacts.yml": CONTACTS,
        "playbooks/outage.md": OUTAGE,
        "playbooks/takeover.md": SECURITY,
        "playbooks/refund.md": REFUND,
        "playbooks/outage.ru.md": "---\ntitle: Сайт не работает\n---\n"
                                  "Сбой затрагивает всех клиентов сразу.\n",
        "docs/scripts/ack.md": "---\ntitle: Outage acknowledged\nchannel: email\n---\nHi.\n",
        # an article that matches better than any playbook must not be chosen
        "docs/faq/site-down.md": "---\ntitle: Site down\naudience: public\n---\n"
                                 "Site down? Site down site down: check the status page.\n",
    })


def run(root, *args, env=None):
    return CliRunner(env=env).invoke(main, ["--root", str(root), "escalate", *args])


def at(kb, text):
    return parse_moment(text, kb.facts.hours)


def test_finds_the_playbook_not_the_faq(root):
    kb = open_kb(root)
    result = escalate(kb, "site down", at=at(kb, "2026-11-23 10:00"))
    assert result.playbook.path == "playbooks/outage.md"
    assert result.score > 0
    assert all(m.path.startswith("playbooks/") for m in result.alternatives)


@pytest.mark.parametrize(("words", "expected"), [
    ("customer says someone logged into my account", "playbooks/takeover.md"),
    ("bank details changed without permission", "playbooks/takeover.md"),
    ("wants refund after 30 days", "playbooks/refund.md"),
    ("app not loading for everyone", "playbooks/outage.md"),
])
def test_best_match(root, words, expected):
    kb = open_kb(root)
    assert escalate(kb, words, at=at(kb, "2026-11-23 10:00")).playbook.path == expected


def test_translation_match_uses_the_source_structure(root):
    kb = open_kb(root)
    result = escalate(kb, "сайт не работает", at=at(kb, "2026-11-23 10:00"))
    assert result.playbook.path == "playbooks/outage.md"
    assert [p.step.contact.key for p in result.steps] == ["tier1", "duty-manager"]


def test_no_match(root):
    kb = open_kb(root)
    with pytest.raises(NotFoundError, match="no playbook matches 'xylophone'"):
        escalate(kb, "xylophone", at=at(kb, "2026-11-23 10:00"))


def test_cli_business_hours_output(root):
    result = run(root, "site", "down", "--at", "2026-11-23 10:00")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:9] == [
        "Site down  (playbooks/outage.md)",
        "P1 Critical: first response within 30m, resolution within 4h",
        "Mon 2026-11-23 10:00 CET: within support hours, business-hours path",
        "",
        "Next: Tier 1 on shift (tier 1) by 10:15, within 15m",
        "  Do: Reproduce it.",
        "  Reach: channel #floor",
        "  Hand over: ticket id",
        "  Send the customer: Outage acknowledged (kb script ack)",
    ]
    assert lines[9:12] == ["Then:", "  Duty manager (tier 2) by 11:00, within 1h",
                           "Close when: Service is back."]


def test_cli_after_hours_output(root):
    result = run(root, "site down", "--at", "2026-11-23 04:00")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == ("Mon 2026-11-23 04:00 CET: outside support hours (Mon-Fri 08:00-20:00 "
                        "Europe/Ljubljana), after-hours path")
    assert lines[4:8] == [
        "Next: Duty manager (after hours) by 04:20, within 20m",
        "  How: Call the duty phone.",
        "  Reach: phone +1 555 0100",
        "  Send the customer: Outage acknowledged (kb script ack)",
    ]
    assert "Not reachable outside hours (covered by the after-hours contact): " \
           "1. Tier 1 on shift" in lines


def test_cli_no_after_hours_path_waits_for_monday(root):
    result = run(root, "refund refused", "--at", "2026-11-28 04:00")
    assert result.exit_code == 0, result.output
    assert ("Sat 2026-11-28 04:00 CET: outside support hours (Mon-Fri 08:00-20:00 "
            "Europe/Ljubljana); this playbook has no after-hours path, it starts when support "
            "opens at Mon 2026-11-30 08:00") in result.stdout
    assert "Next: Tier 1 on shift (tier 1) by Mon 30 Nov 12:00, within 4h" in result.stdout


def test_cli_json(root):
    result = run(root, "unknown login", "--at", "2026-11-23T03:00:00+00:00", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["playbook"]["path"] == "playbooks/takeover.md"
    assert data["playbook"]["sla"]["first_response_minutes"] == 30
    assert (data["at"], data["business_hours"], data["path"]) == (
        "2026-11-23T04:00:00+01:00", False, "after-hours")
    assert [(s["contact"]["key"], s["after_hours"], s["deadline"]) for s in data["steps"]] == [
        ("security", True, "2026-11-23T04:15:00+01:00"),
        ("security", False, "2026-11-23T04:30:00+01:00"),
    ]
    assert [s["contact"]["key"] for s in data["skipped"]] == ["tier1"]
    assert data["next_open"] == "2026-11-23T08:00:00+01:00"


def test_cli_default_time_is_the_clock(root):
    result = run(root, "site down", "--json", env={"KB_AS_OF": "2026-11-23T19:30:00+00:00"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["at"] == "2026-11-23T20:30:00+01:00" and data["path"] == "after-hours"


def test_cli_no_match_exits_2(root):
    result = run(root, "xylophone")
    assert result.exit_code == 2
    assert result.stderr.startswith("kb: error: no playbook matches 'xylophone'")


def test_cli_bad_time_exits_2(root):
    result = run(root, "site down", "--at", "tomorrow")
    assert result.exit_code == 2
    assert "invalid time 'tomorrow': expected YYYY-MM-DD HH:MM" in result.stderr


def test_cli_blank_text_exits_2(root):
    result = run(root, "  ")
    assert result.exit_code == 2
    assert "describe what you see" in result.stderr


def test_example_kb_at_four_in_the_morning(tmp_path):
    """The issue's example against the shipped playbooks and scripts (a copy, since the
    index is written next to the content)."""
    import shutil

    from tests.support import REPO

    for name in ("docs/scripts", "playbooks", "macros"):
        shutil.copytree(REPO / name, tmp_path / name)
    for name in ("kb.yml", "owners.yml", "synonyms.yml"):
        shutil.copy(REPO / name, tmp_path / name)
    kb = open_kb(tmp_path)
    result = escalate(kb, "many customers charged twice", at=at(kb, "2026-11-23 04:00"))
    assert result.playbook.name == "payment-failures"
    assert result.next_step.step.after_hours
    assert result.next_step.step.contact.key == "duty-manager"
    assert result.next_step.deadline.isoformat() == "2026-11-23T04:15:00+01:00"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return copy_example(tmp_path_factory.mktemp("example"))


@pytest.mark.parametrize(("words", "answer"), [
    ("customer forgot password", "docs/faq/reset-password.md"),
    ("card declined", "docs/scripts/payment-failed-card-declined.md"),
    ("chargeback opened", "docs/scripts/chargeback-opened.md"),
    ("customer charged twice", "docs/scripts/charged-twice-investigating.md"),
])
def test_a_routine_question_gets_no_playbook_but_the_answers(example, words, answer):
    kb = open_kb(example)
    result = escalate(kb, words, at=at(kb, "2026-11-23 04:00"))
    assert isinstance(result, NoFit)
    assert result.confidence < CONFIDENCE
    assert answer in [s.path for s in result.suggestions]
    assert all(s.kind != "playbook" for s in result.suggestions)


@pytest.mark.parametrize(("words", "playbook"), [
    ("many customers cannot log in", "night-outage"),
    ("site down for everyone", "night-outage"),
    ("payroll run failed for many companies", "payroll-run-failed"),
])
def test_an_incident_still_gets_its_playbook(example, words, playbook):
    kb = open_kb(example)
    result = escalate(kb, words, at=at(kb, "2026-11-23 10:00"))
    assert isinstance(result, Escalation) and result.playbook.name == playbook
    assert result.confidence >= CONFIDENCE


def test_cli_says_no_playbook_fits_and_exits_0(example):
    result = run(example, "customer", "forgot", "password")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No playbook fits")
    assert "docs/faq/reset-password.md" in result.stdout
    data = json.loads(run(example, "customer forgot password", "--json").stdout)
    assert data["playbook"] is None and data["confidence"] < CONFIDENCE
    assert "docs/faq/reset-password.md" in [s["path"] for s in data["suggestions"]]
