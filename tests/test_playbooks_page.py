"""Generated Mermaid source, the playbook page, the index page and the JSON export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.playbooks.page import hours_label, mermaid
from kbtools.playbooks.plan import export, find_playbook
from kbtools.registry import open_kb
from tests.support import make_kb

CONTACTS = """\
tier1: {name: Tier 1 on shift, channel: "#floor", hours: business}
billing: {name: Billing team, email: billing@example.test, hours: business}
duty-manager: {name: Duty manager, phone: "+1 555 0100", pager: duty, hours: always}
"""

OUTAGE = """\
---
title: Site down
owner: ann
reviewed: 2026-11-01
tags: [outage]
priority: P1
triggers: [site down, "error 500 on every page"]
tiers:
  - contact: tier1
    within: 15m
    do: Reproduce it from two networks.
    handover: [ticket id, screenshots]
    message: ack
  - contact: billing
    within: 30m
    do: Check failed payments.
  - contact: duty-manager
    within: 1h
    do: Decide on a "status" banner.
    message: resolved
    goto: fraud
after_hours:
  contact: duty-manager
  within: 20m
  how: Page duty, then call.
  message: ack
close_when: Service is back.
deescalate_when: Only one customer is affected.
---

# Site down

Some context.
"""

FRAUD = """\
---
title: Card testing
priority: P2
triggers: [many small declines]
tiers:
  - {contact: duty-manager, within: 1h, do: Freeze new accounts.}
after_hours: {contact: duty-manager, within: 1h, how: Call.}
---
"""

DISPUTE = """\
---
title: Refund dispute
priority: P3
triggers: [refund refused, chargeback, wants money back, angry about policy]
tiers:
  - {contact: tier1, within: 4h, do: Explain the policy.}
---
"""

SCRIPT = "---\ntitle: {}\nchannel: email\n---\nHi.\n"


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("kb"), {
        "macros/data/contacts.yml": CONTACTS,
        "playbooks/outage.md": OUTAGE, "playbooks/fraud.md": FRAUD,
        "playbooks/dispute.md": DISPUTE,
        "docs/scripts/ack.md": SCRIPT.format("Outage acknowledged"),
        "docs/scripts/resolved.md": SCRIPT.format("Outage resolved"),
    })
    return open_kb(root)


def test_mermaid_source_for_a_known_playbook(kb):
    assert mermaid(find_playbook(kb, "outage"), kb.facts.hours) == """\
flowchart TD
    start(["Site down<br/>P1 Critical"])
    start --> open{"Support open?"}
    open -->|yes| t1
    t1["1. Tier 1 on shift<br/>within 15m<br/>send: Outage acknowledged"]
    t2["2. Billing team<br/>within 30m"]
    t3["3. Duty manager<br/>within 1h<br/>send: Outage resolved"]
    t1 --> t2
    t2 --> t3
    t3 --> done
    open -->|no| ah["After hours: Duty manager<br/>within 20m<br/>send: Outage acknowledged"]
    ah -.-> t3
    t3 -.->|hand over| g3[["Playbook: Card testing"]]
    done(["Close or de-escalate"])
"""


def test_mermaid_without_after_hours_waits_for_opening(kb):
    assert mermaid(find_playbook(kb, "dispute"), kb.facts.hours) == """\
flowchart TD
    start(["Refund dispute<br/>P3 Normal"])
    start --> open{"Support open?"}
    open -->|yes| t1
    t1["1. Tier 1 on shift<br/>within 4h"]
    t1 --> done
    open -->|no| wait["Wait for the next opening"]
    wait --> t1
    done(["Close or de-escalate"])
"""


def test_mermaid_labels_are_escaped(tmp_path):
    text = FRAUD.replace("title: Card testing", 'title: "Card <b>testing</b> \\"#1\\""')
    make_kb(tmp_path, {"playbooks/fraud.md": text})
    kb = open_kb(tmp_path)
    source = mermaid(find_playbook(kb, "fraud"), None)
    assert 'start(["Card #lt;b#gt;testing#lt;/b#gt; #quot;#35;1#quot;<br/>P2 High"])' in source
    assert "start --> t1" in source and "open" not in source


def test_hours_label_lists_scattered_days(kb):
    from dataclasses import replace

    assert hours_label(replace(kb.facts.hours, days=("mon", "wed", "fri"))) == \
        "Mon, Wed, Fri 08:00-20:00 Europe/Ljubljana"


def test_page_has_flowchart_steps_contacts_and_prose(kb):
    article = kb.corpus.get("playbooks/outage.md")
    page = kb.kinds.render_body(kb, article, article.body)
    assert page.startswith("# Site down\n\n!!! danger \"P1 Critical: first response within 30m, "
                           "resolution within 4h\"\n")
    assert "\n\n    **Support hours:** Mon-Fri 08:00-20:00 Europe/Ljubljana\n\n## Escalation flow\n\n" \
        "```mermaid\nflowchart TD\n" in page
    assert mermaid(find_playbook(kb, "outage"), kb.facts.hours) in page
    step1 = page[page.index("### 1. "):page.index("### 2. ")]
    assert step1 == (
        "### 1. Tier 1 on shift (within 15m)\n\n"
        "- **Do:** Reproduce it from two networks.\n"
        "- **Hand over:** ticket id, screenshots\n"
        "- **Send the customer:** [Outage acknowledged](../scripts/ack.md)\n"
        "- **Reach:** channel `#floor` · hours: business\n\n")
    assert "- **Reach:** phone `+1 555 0100` · pager `duty` · hours: always" in page
    assert "- **Then hand over to the playbook:** [Card testing](fraud.md)" in page
    assert "### Outside support hours (Mon-Fri 08:00-20:00 Europe/Ljubljana)" in page
    assert "- **Close when:** Service is back." in page
    assert page.rstrip().endswith("Some context.")
    assert page.count("# Site down") == 1


def test_index_page_lists_playbooks_by_priority(kb):
    pages = [p for p in kb.kinds.generated_pages(kb) if p.path == "playbooks/index.md"]
    assert len(pages) == 1 and pages[0].audience == "internal"
    text = pages[0].markdown
    assert text.index("## P1 Critical") < text.index("## P2 High") < text.index("## P3 Normal")
    assert ("| [Site down](outage.md) | site down; error 500 on every page | Tier 1 on shift, "
            "15m | Duty manager, 20m |") in text
    assert ("| [Refund dispute](dispute.md) | refund refused; chargeback; wants money back; "
            "... | Tier 1 on shift, 4h | next business day |") in text


def test_export_is_the_whole_structure(kb):
    data = export(kb)
    assert [d["name"] for d in data] == ["outage", "fraud", "dispute"]
    assert data[0] == {
        "name": "outage", "path": "playbooks/outage.md", "title": "Site down",
        "priority": "P1",
        "sla": {"name": "Critical", "first_response": "30m", "first_response_minutes": 30,
                "resolution": "4h", "resolution_minutes": 240},
        "triggers": ["site down", "error 500 on every page"],
        "tiers": [
            {"step": 1, "after_hours": False,
             "contact": {"key": "tier1", "name": "Tier 1 on shift", "hours": "business",
                         "reach": {"channel": "#floor"}},
             "within": "15m", "within_minutes": 15, "do": "Reproduce it from two networks.",
             "handover": ["ticket id", "screenshots"],
             "message": {"script": "ack", "title": "Outage acknowledged",
                         "path": "docs/scripts/ack.md"},
             "goto": None},
            {"step": 2, "after_hours": False,
             "contact": {"key": "billing", "name": "Billing team", "hours": "business",
                         "reach": {"email": "billing@example.test"}},
             "within": "30m", "within_minutes": 30, "do": "Check failed payments.",
             "handover": [], "message": None, "goto": None},
            {"step": 3, "after_hours": False,
             "contact": {"key": "duty-manager", "name": "Duty manager", "hours": "always",
                         "reach": {"phone": "+1 555 0100", "pager": "duty"}},
             "within": "1h", "within_minutes": 60, "do": 'Decide on a "status" banner.',
             "handover": [],
             "message": {"script": "resolved", "title": "Outage resolved",
                         "path": "docs/scripts/resolved.md"},
             "goto": {"playbook": "fraud", "title": "Card testing",
                      "path": "playbooks/fraud.md"}},
        ],
        "after_hours": {
            "step": None, "after_hours": True,
            "contact": {"key": "duty-manager", "name": "Duty manager", "hours": "always",
                        "reach": {"phone": "+1 555 0100", "pager": "duty"}},
            "within": "20m", "within_minutes": 20, "do": "Page duty, then call.",
            "handover": [],
            "message": {"script": "ack", "title": "Outage acknowledged",
                        "path": "docs/scripts/ack.md"}},
        "close_when": "Service is back.", "deescalate_when": "Only one customer is affected.",
        "owner": "ann", "reviewed": "2026-11-01", "tags": ["outage"],
    }
    assert json.loads(json.dumps(data)) == data


def test_cli_playbooks_json(kb):
    result = CliRunner().invoke(main, ["--root", str(kb.root), "playbooks", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"playbooks": export(kb)}


def test_cli_playbooks_table(kb):
    result = CliRunner().invoke(main, ["--root", str(kb.root), "playbooks"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    starts = [i for i, line in enumerate(lines) if line.split()[:1] in (["P1"], ["P2"], ["P3"])]
    assert [lines[i].split()[:2] for i in starts] == [["P1", "outage"], ["P2", "fraud"],
                                                     ["P3", "dispute"]]
    assert "Duty manager, 20m" in lines[starts[0]] and "Site down" in lines[starts[0] + 1]
    assert "next business day" in lines[starts[2]]


def test_cli_playbooks_on_an_empty_kb(tmp_path):
    make_kb(tmp_path, {"docs/a.md": "---\ntitle: A\n---\n"})
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "playbooks", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"playbooks": []}
