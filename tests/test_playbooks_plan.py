"""The escalation plan: business hours or after hours, around the edges of support hours,
across time zones and daylight-saving changes; and the next opening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kbtools.errors import UsageError
from kbtools.playbooks.escalation import next_opening, parse_moment, plan
from kbtools.playbooks.plan import find_playbook
from kbtools.registry import open_kb
from tests.support import make_kb

# Support hours in tests.support: Europe/Ljubljana, Mon-Fri 08:00-20:00.
# tier1 works business hours only, duty-manager always; sre is not declared -> always.
CONTACTS = """\
tier1: {name: Tier 1 on shift, hours: business}
duty-manager: {name: Duty manager, phone: "+1 555 0100", hours: always}
billing: {name: Billing team, email: billing@example.test, hours: business}
"""

OUTAGE = """\
---
title: Site down
priority: P1
triggers: [site down]
tiers:
  - {contact: tier1, within: 15m, do: Reproduce it., message: ack}
  - {contact: billing, within: 30m, do: Check billing.}
  - {contact: duty-manager, within: 1h, do: Decide on a banner.}
after_hours: {contact: duty-manager, within: 20m, how: Call the duty phone., message: ack}
---
"""

DISPUTE = """\
---
title: Refund dispute
priority: P3
triggers: [refund refused]
tiers:
  - {contact: tier1, within: 4h, do: Explain the policy.}
  - {contact: billing, within: 1d, do: Review the exception.}
---
"""

CET = timezone(timedelta(hours=1))


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("kb"), {
        "macros/data/contacts.yml": CONTACTS,
        "playbooks/outage.md": OUTAGE,
        "playbooks/dispute.md": DISPUTE,
        "docs/scripts/ack.md": "---\ntitle: Acknowledged\nchannel: email\n---\nHi.\n",
    })
    return open_kb(root)


def local(text: str, kb) -> datetime:
    return parse_moment(text, kb.facts.hours)


def summary(escalation) -> list[tuple[str, str]]:
    """(who, deadline as an ISO string with offset) for each planned step."""
    return [(("after-hours " if p.step.after_hours else f"{p.step.number}. ")
             + p.step.contact.key, p.deadline.isoformat()) for p in escalation.steps]


@pytest.mark.parametrize(("moment", "open_"), [
    ("2026-11-23 07:59", False),  # Monday, a minute before opening
    ("2026-11-23 08:00", True),  # opening minute
    ("2026-11-23 19:59", True),  # last minute
    ("2026-11-23 20:00", False),  # closing minute is closed
    ("2026-11-27 19:59:59", True),  # Friday, last second
    ("2026-11-27 20:00", False),  # Friday evening
    ("2026-11-28 12:00", False),  # Saturday noon
    ("2026-11-29 23:59", False),  # Sunday night
    ("2026-11-23 04:00", False),  # the example: 4 a.m.
])
def test_business_hours_edges_in_local_time(kb, moment, open_):
    escalation = plan(kb, find_playbook(kb, "outage"), local(moment, kb))
    assert escalation.business_hours is open_
    assert escalation.path_name == ("business-hours" if open_ else "after-hours")


@pytest.mark.parametrize(("moment", "open_"), [
    (datetime(2026, 11, 23, 6, 59, tzinfo=UTC), False),  # 07:59 CET
    (datetime(2026, 11, 23, 7, 0, tzinfo=UTC), True),  # 08:00 CET
    (datetime(2026, 11, 23, 18, 59, tzinfo=UTC), True),  # 19:59 CET
    (datetime(2026, 11, 23, 19, 0, tzinfo=UTC), False),  # 20:00 CET
    (datetime(2026, 7, 6, 5, 59, tzinfo=UTC), False),  # summer Monday: 07:59 CEST
    (datetime(2026, 7, 6, 6, 0, tzinfo=UTC), True),  # 08:00 CEST
    (datetime(2026, 7, 6, 18, 0, tzinfo=UTC), False),  # 20:00 CEST
    (datetime(2026, 11, 23, 2, 0, tzinfo=timezone(timedelta(hours=-5))), True),  # 08:00 CET
    (datetime(2026, 11, 22, 23, 30, tzinfo=timezone(timedelta(hours=-8))), True),  # Mon 08:30
    (datetime(2026, 11, 24, 5, 0, tzinfo=timezone(timedelta(hours=9))), False),  # Mon 21:00
])
def test_aware_moments_are_judged_in_the_support_time_zone(kb, moment, open_):
    escalation = plan(kb, find_playbook(kb, "outage"), moment)
    assert escalation.business_hours is open_
    assert escalation.at.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert escalation.at == moment


def test_business_hours_path_is_every_tier_in_order(kb):
    escalation = plan(kb, find_playbook(kb, "outage"), local("2026-11-23 10:00", kb))
    assert summary(escalation) == [
        ("1. tier1", "2026-11-23T10:15:00+01:00"),
        ("2. billing", "2026-11-23T10:30:00+01:00"),
        ("3. duty-manager", "2026-11-23T11:00:00+01:00"),
    ]
    assert escalation.skipped == () and escalation.next_open is None
    assert escalation.next_step.step.message.title == "Acknowledged"


def test_after_hours_path_replaces_business_only_tiers(kb):
    escalation = plan(kb, find_playbook(kb, "outage"), local("2026-11-23 04:00", kb))
    assert summary(escalation) == [
        ("after-hours duty-manager", "2026-11-23T04:20:00+01:00"),
        ("3. duty-manager", "2026-11-23T05:00:00+01:00"),
    ]
    assert [s.contact.key for s in escalation.skipped] == ["tier1", "billing"]
    assert escalation.next_open == datetime(2026, 11, 23, 8, 0, tzinfo=CET)


def test_without_after_hours_path_tiers_wait_for_the_next_opening(kb):
    escalation = plan(kb, find_playbook(kb, "dispute"), local("2026-11-27 20:00", kb))  # Fri
    assert escalation.path_name == "next-business-day"
    assert escalation.next_open.isoformat() == "2026-11-30T08:00:00+01:00"  # Monday
    assert summary(escalation) == [
        ("1. tier1", "2026-11-30T12:00:00+01:00"),
        ("2. billing", "2026-12-01T08:00:00+01:00"),
    ]


def test_deadline_across_spring_forward_is_real_elapsed_time(kb):
    # 2026-03-29 02:00 CET the clocks jump to 03:00 CEST: 01:50 + 20 min is 03:10 CEST.
    escalation = plan(kb, find_playbook(kb, "outage"), local("2026-03-29 01:50", kb))
    assert summary(escalation) == [
        ("after-hours duty-manager", "2026-03-29T03:10:00+02:00"),
        ("3. duty-manager", "2026-03-29T03:50:00+02:00"),
    ]
    for planned in escalation.steps:
        elapsed = planned.deadline.astimezone(UTC) - escalation.at.astimezone(UTC)
        assert elapsed == planned.step.within


def test_deadline_across_fall_back(kb):
    # 2026-10-25 03:00 CEST the clocks go back to 02:00 CET: 02:50 CEST + 20 min = 02:10 CET.
    start = datetime(2026, 10, 25, 0, 50, tzinfo=UTC)  # 02:50 CEST
    escalation = plan(kb, find_playbook(kb, "outage"), start)
    assert escalation.at.isoformat() == "2026-10-25T02:50:00+02:00"
    assert summary(escalation)[0] == ("after-hours duty-manager", "2026-10-25T02:10:00+01:00")


def test_monday_after_the_clocks_change_opens_at_local_eight(kb):
    assert plan(kb, find_playbook(kb, "outage"),
                datetime(2026, 3, 30, 6, 0, tzinfo=UTC)).business_hours  # 08:00 CEST
    assert not plan(kb, find_playbook(kb, "outage"),
                    datetime(2026, 3, 30, 5, 59, tzinfo=UTC)).business_hours


@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-11-23 07:59", "2026-11-23T08:00:00+01:00"),
    ("2026-11-23 08:00", "2026-11-23T08:00:00+01:00"),  # open now
    ("2026-11-23 12:00", "2026-11-23T12:00:00+01:00"),  # open now
    ("2026-11-23 20:00", "2026-11-24T08:00:00+01:00"),
    ("2026-11-27 21:00", "2026-11-30T08:00:00+01:00"),  # Friday night -> Monday
    ("2026-11-28 09:00", "2026-11-30T08:00:00+01:00"),  # Saturday -> Monday
    ("2026-03-28 10:00", "2026-03-30T08:00:00+02:00"),  # weekend of the DST change
])
def test_next_opening(kb, moment, expected):
    assert next_opening(kb.facts.hours, local(moment, kb)).isoformat() == expected


def test_without_support_hours_it_is_always_business_hours(tmp_path):
    make_kb(tmp_path, {"macros/data/support.yml": "sla:\n  P3: {first_response: 8h, "
                       "resolution: 3d}\n", "macros/data/contacts.yml": CONTACTS,
                       "playbooks/dispute.md": DISPUTE})
    kb = open_kb(tmp_path)
    escalation = plan(kb, find_playbook(kb, "dispute"), datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    assert escalation.business_hours and escalation.path_name == "business-hours"
    assert summary(escalation)[0] == ("1. tier1", "2026-11-28T07:00:00+00:00")


def test_parse_moment(kb):
    assert local("2026-11-23 04:00", kb).isoformat() == "2026-11-23T04:00:00+01:00"
    assert local("2026-11-23T03:00:00+00:00", kb).isoformat() == "2026-11-23T04:00:00+01:00"
    with pytest.raises(UsageError, match="invalid time '4am'"):
        local("4am", kb)


def test_unknown_playbook(kb):
    from kbtools.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no playbook 'nope'"):
        find_playbook(kb, "nope")

