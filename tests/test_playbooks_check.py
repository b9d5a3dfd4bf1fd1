"""Playbook validation in ``kb check``: each rule reports the exact path:line of the bad key."""

from __future__ import annotations

from kbtools.content.check import check
from kbtools.registry import open_kb
from tests.support import make_kb

SCRIPT = "---\ntitle: {title}\nchannel: email\n---\nHello.\n"

GOOD = """\
---
title: Site down
owner: ann
priority: P1
triggers: [site down, error 500]
tiers:
  - contact: tier1
    within: 15m
    do: Reproduce it.
    handover: [ticket id]
    message: outage-acknowledged
  - contact: duty-manager
    within: 1h
    do: Decide on a banner.
    message: outage-resolved
after_hours:
  contact: duty-manager
  within: 20m
  how: Call the duty phone.
  message: outage-acknowledged
close_when: Fixed.
deescalate_when: One customer only.
---
Prose.
"""


def findings_for(tmp_path, files: dict[str, str]) -> list[str]:
    base = {
        "docs/scripts/outage-acknowledged.md": SCRIPT.format(title="Outage acknowledged"),
        "docs/scripts/outage-resolved.md": SCRIPT.format(title="Outage resolved"),
    }
    make_kb(tmp_path, {**base, **files})
    report = check(open_kb(tmp_path))
    return [f.format() for f in report.findings if f.code.startswith("playbook.")
            or f.path.startswith("playbooks/")]


def test_valid_playbook_has_no_findings(tmp_path):
    assert findings_for(tmp_path, {"playbooks/down.md": GOOD}) == []


def test_parsed_into_typed_tiers(tmp_path):
    make_kb(tmp_path, {"playbooks/down.md": GOOD})
    meta = open_kb(tmp_path).corpus.get("playbooks/down.md").details
    assert meta.priority == "P1"
    assert [t.contact for t in meta.tiers] == ["tier1", "duty-manager"]
    assert meta.tiers[0].handover == ("ticket id",)
    assert meta.tiers[1].within.total_seconds() == 3600
    assert (meta.tiers[0].line, meta.tiers[1].line) == (7, 12)
    assert meta.after_hours.contact == "duty-manager" and meta.after_hours.line == 16


def test_unknown_contact(tmp_path):
    text = GOOD.replace("  - contact: duty-manager\n    within: 1h",
                        "  - contact: night-owl\n    within: 1h")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:12: error: unknown contact 'night-owl': declare it in "
        "macros/data/contacts.yml [playbook.contact]"]


def test_unknown_after_hours_contact(tmp_path):
    text = GOOD.replace("after_hours:\n  contact: duty-manager", "after_hours:\n  contact: ghost")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:17: error: unknown contact 'ghost': declare it in "
        "macros/data/contacts.yml [playbook.contact]"]


def test_first_tier_over_first_response(tmp_path):
    text = GOOD.replace("within: 15m", "within: 45m")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:8: error: tiers.0 within 45m exceeds the P1 first response target "
        "of 30m [playbook.sla]"]


def test_tier_over_resolution(tmp_path):
    text = GOOD.replace("within: 1h", "within: 5h")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:13: error: tiers.1 within 5h exceeds the P1 resolution target "
        "of 4h [playbook.sla]"]


def test_after_hours_over_first_response(tmp_path):
    text = GOOD.replace("within: 20m", "within: 2h")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:18: error: after_hours within 2h exceeds the P1 first response "
        "target of 30m [playbook.sla]"]


def test_limits_at_the_sla_are_fine(tmp_path):
    text = GOOD.replace("within: 15m", "within: 30m").replace("within: 1h", "within: 4h")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == []


def test_deadlines_must_not_go_down(tmp_path):
    text = GOOD.replace("within: 15m", "within: 30m").replace("within: 1h", "within: 20m")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:13: error: tier 2 is due within 20m, before tier 1 (30m); time "
        "limits count from the start of the escalation [playbook.tier-order]"]


def test_unknown_priority(tmp_path):
    text = GOOD.replace("priority: P1", "priority: P9")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:4: error: unknown priority 'P9' (expected one of: P1, P2, P3) "
        "[playbook.priority]"]


def test_top_priority_needs_after_hours(tmp_path):
    text = GOOD[:GOOD.index("after_hours:")] + GOOD[GOOD.index("close_when:"):]
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:4: error: a P1 playbook must define after_hours: {contact, within, "
        "how, message} [playbook.after-hours]"]


def test_lower_priority_may_skip_after_hours(tmp_path):
    text = GOOD[:GOOD.index("after_hours:")] + GOOD[GOOD.index("close_when:"):]
    text = text.replace("priority: P1", "priority: P3")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == []


def test_after_hours_contact_working_business_hours_is_a_warning(tmp_path):
    text = GOOD.replace("after_hours:\n  contact: duty-manager", "after_hours:\n  contact: tier1")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:17: warning: after-hours contact 'tier1' works business hours only "
        "[playbook.after-hours-contact]"]


def test_unknown_answer_script(tmp_path):
    text = GOOD.replace("message: outage-resolved", "message: outage-fixed")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:15: error: unknown answer script 'outage-fixed': expected the name "
        "of a file in docs/scripts/ without .md [playbook.script]"]


def test_script_translation_does_not_count_as_a_script(tmp_path):
    text = GOOD.replace("message: outage-resolved", "message: only-russian")
    found = findings_for(tmp_path, {
        "playbooks/down.md": text,
        "docs/scripts/only-russian.ru.md": SCRIPT.format(title="Только по-русски")})
    assert [f for f in found if f.endswith("[playbook.script]")] == [
        "playbooks/down.md:15: error: unknown answer script 'only-russian': expected the name "
        "of a file in docs/scripts/ without .md [playbook.script]"]


def test_unknown_goto(tmp_path):
    text = GOOD.replace("message: outage-resolved", "message: outage-resolved\n    goto: nowhere")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:16: error: unknown playbook 'nowhere': expected the name of a file "
        "in playbooks/ without .md [playbook.goto]"]


def goto(text: str, target: str) -> str:
    return text.replace("message: outage-resolved", f"message: outage-resolved\n    goto: {target}")


def retitle(text: str, title: str) -> str:
    return text.replace("title: Site down", f"title: {title}")


def test_goto_cycle_is_reported_once_at_the_first_goto(tmp_path):
    found = findings_for(tmp_path, {
        "playbooks/b-two.md": retitle(goto(GOOD, "c-three"), "Two"),
        "playbooks/c-three.md": retitle(goto(GOOD, "a-one"), "Three"),
        "playbooks/a-one.md": retitle(goto(GOOD, "b-two"), "One"),
    })
    assert found == [
        "playbooks/a-one.md:16: error: goto loops back: a-one -> b-two -> c-three -> a-one; a "
        "playbook must not hand over to one that leads back to it [playbook.cycle]"]


def test_goto_to_itself_is_a_cycle(tmp_path):
    assert findings_for(tmp_path, {"playbooks/down.md": goto(GOOD, "down")}) == [
        "playbooks/down.md:16: error: goto loops back: down -> down; a playbook must not hand "
        "over to one that leads back to it [playbook.cycle]"]


def test_goto_chain_without_loop_is_fine(tmp_path):
    assert findings_for(tmp_path, {
        "playbooks/a-one.md": retitle(goto(GOOD, "b-two"), "One"),
        "playbooks/b-two.md": retitle(goto(GOOD, "c-three"), "Two"),
        "playbooks/c-three.md": retitle(GOOD, "Three"),
        "playbooks/d-four.md": retitle(goto(GOOD, "b-two"), "Four"),
    }) == []


def test_public_playbook(tmp_path):
    text = GOOD.replace("owner: ann", "owner: ann\naudience: public")
    assert findings_for(tmp_path, {"playbooks/down.md": text}) == [
        "playbooks/down.md:4: error: playbooks are internal and can never be public; remove "
        "'audience: public' [playbook.public]"]


def test_bad_shapes_point_at_their_keys(tmp_path):
    text = """\
---
title: Broken
priority: 1
triggers: site down
tiers:
  - contact: tier1
    within: soon
    do: Something.
    colour: red
  - contact: tier1
    do: Missing the limit.
  - just text
after_hours: {contact: duty-manager, within: 10m}
---
"""
    assert findings_for(tmp_path, {"playbooks/broken.md": text}) == [
        "playbooks/broken.md:3: error: priority must be text such as P1, got 1 "
        "[playbook.priority]",
        "playbooks/broken.md:7: error: invalid time limit 'soon': expected a number and a unit, "
        "m (minutes), h (hours), d (days) or w (weeks), e.g. 30m or 4h [playbook.within]",
        "playbooks/broken.md:9: error: unknown field 'colour' in tiers.0 (expected contact, "
        "within, do, handover, message, goto) [playbook.tier]",
        "playbooks/broken.md:10: error: tiers.1 is missing 'within' [playbook.tier]",
        "playbooks/broken.md:12: error: tiers.2 must be a mapping with contact, within, do "
        "[playbook.tier]",
        "playbooks/broken.md:13: error: after_hours is missing 'how' [playbook.after-hours]",
    ]


def test_missing_structure(tmp_path):
    assert findings_for(tmp_path, {"playbooks/empty.md": "---\ntitle: Empty\n---\nText.\n"}) == [
        "playbooks/empty.md:2: error: missing priority (a key of sla in the shared support "
        "facts, e.g. P1) [playbook.priority]",
        "playbooks/empty.md:2: error: a playbook needs at least one tier: {contact, within, do} "
        "[playbook.tiers]",
        "playbooks/empty.md:2: error: missing triggers: list what the agent sees, e.g. "
        "['site down'] [playbook.triggers]",
    ]


def test_translation_may_leave_structure_to_its_source(tmp_path):
    assert findings_for(tmp_path, {
        "playbooks/down.md": GOOD,
        "playbooks/down.ru.md": "---\ntitle: Сайт не работает\n---\nТекст.\n",
    }) == []


def test_example_playbooks_are_clean():
    from tests.support import REPO

    report = check(open_kb(REPO))
    assert [f.format() for f in report.findings if f.path.startswith("playbooks/")] == []
    assert len(list(open_kb(REPO).corpus.of_kind("playbook"))) >= 4
