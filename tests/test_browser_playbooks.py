"""A playbook page in a real built internal site shows its flowchart as an SVG (Mermaid drawn
by Material in headless Chromium, offline), not the Mermaid source text."""

from __future__ import annotations

import pytest

from kbtools.registry import open_kb
from tests.support import make_kb

CONTACTS = """\
tier1: {name: Tier 1 on shift, channel: "#floor", hours: business}
duty-manager: {name: Duty manager, phone: "+1 555 0100", hours: always}
"""

OUTAGE = """\
---
title: Site down
owner: ann
priority: P1
triggers: [site down]
tiers:
  - {contact: tier1, within: 15m, do: Reproduce it., message: ack}
  - {contact: duty-manager, within: 1h, do: Decide on a banner.}
after_hours: {contact: duty-manager, within: 20m, how: Call the duty phone., message: ack}
close_when: Service is back.
---

# Site down

Context for the agent.
"""


def drawn_svgs(page) -> list[tuple[str, float]]:
    """(text, height) of every SVG inside a diagram's shadow root, closed ones included
    (the DevTools protocol pierces them; page scripts cannot)."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    found = []

    def walk(node, in_shadow):
        if in_shadow and node.get("localName") == "svg":
            remote = cdp.send("DOM.resolveNode", {"nodeId": node["nodeId"]})["object"]
            result = cdp.send("Runtime.callFunctionOn", {
                "objectId": remote["objectId"], "returnByValue": True,
                "functionDeclaration": "function() { return [this.textContent, "
                                       "this.getBoundingClientRect().height]; }"})
            found.append(tuple(result["result"]["value"]))
            return
        for child in node.get("children", []):
            walk(child, in_shadow)
        for shadow in node.get("shadowRoots", []):
            walk(shadow, True)

    walk(root, False)
    return found


@pytest.mark.browser
def test_playbook_page_shows_an_svg_flowchart(tmp_path):
    from kbtools.sites.builder import build
    from tests.browser_support import browser, serve_static

    make_kb(tmp_path / "kb", {
        "macros/data/contacts.yml": CONTACTS,
        "playbooks/outage.md": OUTAGE,
        "docs/scripts/ack.md": "---\ntitle: Outage acknowledged\nowner: ann\nchannel: email\n"
                               "---\nHi.\n",
        "docs/index.md": "---\ntitle: Home\nowner: ann\n---\n# Home\n",
    })
    build(open_kb(tmp_path / "kb"), ["internal"], out=tmp_path / "out")
    site = tmp_path / "out" / "site"
    requests: list[str] = []
    with serve_static(site) as url, browser() as chromium:
        page = chromium.new_context().new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{url}/playbooks/outage/")
        # Material swaps <pre class="mermaid"> (the source) for a <div class="mermaid"> whose
        # closed shadow root holds the drawn SVG
        page.locator("div.mermaid").wait_for(state="attached", timeout=20_000)
        assert page.locator("pre.mermaid").count() == 0
        svgs = drawn_svgs(page)
        assert len(svgs) == 1
        labels, height = svgs[0]
        for label in ("Support open?", "1. Tier 1 on shift", "After hours: Duty manager",
                      "Close or de-escalate"):
            assert label in labels
        assert "flowchart TD" not in labels and "-->" not in labels
        assert height > 100
        assert "flowchart TD" not in page.locator("article").inner_text()
        # the step list links the customer message
        link = page.get_by_role("link", name="Outage acknowledged").first
        assert link.get_attribute("href").endswith("scripts/ack/")
        index = page.goto(f"{url}/playbooks/")
        assert index.ok and "P1 Critical" in page.locator("article").inner_text()
    # everything came from the local server: Mermaid is vendored, not fetched from a CDN
    assert [r for r in requests if not r.startswith(url)] == []
    assert any(r.endswith("mermaid.min.js") for r in requests)
