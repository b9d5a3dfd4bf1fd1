"""The answer-script page: the reply in a copy box with placeholder chips, traits, a table."""

from __future__ import annotations

import pytest

from kbtools.registry import open_kb
from tests.support import make_kb

SCRIPT = """\
---
title: Refund approved
owner: ann
channel: email
situation: refund
tone: warm
use_when: The refund has been approved.
placeholders:
  customer_name: {description: "Customer's first name", fallback: there}
  amount: {description: "Amount <with currency>"}
---
Hi {{ customer_name }},

Your refund of {{ amount }} is on its way. R&D says {{ support.hours_text }}.

The Example support team
"""

REPLY = ("Hi [customer_name],\n\nYour refund of [amount] is on its way. R&D says Monday to "
         "Friday, 08:00-20:00.\n\nThe Example support team")


@pytest.fixture
def kb(tmp_path):
    make_kb(tmp_path, {"docs/scripts/refund-approved.md": SCRIPT,
                       "docs/index.md": "---\ntitle: Home\nowner: ann\n---\n# Home\n"})
    return open_kb(tmp_path)


def test_page_body_has_box_chips_traits_and_table(kb):
    article = kb.corpus.get("docs/scripts/refund-approved.md")
    page = kb.kinds.render_body(kb, article, "ignored")
    assert page.startswith('<p class="kb-script__traits"><span class="kb-script__trait">'
                           "<strong>Channel:</strong> email</span>")
    assert "<strong>Situation:</strong> refund" in page and "<strong>Tone:</strong> warm" in page
    box = page.split('data-kb-copy="Copy reply"', 1)[1].split("</div>", 1)[0]
    assert box.startswith(' style="white-space: pre-wrap; padding: .8em 1em">Hi <span '
                          'class="kb-placeholder" title="Customer&#x27;s first name"')
    assert "R&amp;D says Monday to Friday" in box  # text is escaped, facts filled in
    assert 'title="Amount &lt;with currency&gt;"' in box
    assert box.count("kb-placeholder") == 2
    assert '!!! tip "Use when"\n    The refund has been approved.' in page
    assert ('| <span class="kb-placeholder">[customer_name]</span> | Customer\'s first name | '
            '“there” |') in page
    assert '| <span class="kb-placeholder">[amount]</span> | Amount &lt;with currency&gt; | ' \
           "*required* |" in page


@pytest.mark.browser
def test_copy_button_puts_the_reply_on_the_clipboard(kb, tmp_path):
    from kbtools.sites.builder import build
    from tests.browser_support import browser, serve_static

    build(kb, ["internal"], out=tmp_path / "out")
    site = tmp_path / "out" / "site"
    with serve_static(site) as url, browser() as chromium:
        context = chromium.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        page.goto(f"{url}/scripts/refund-approved/")
        chips = page.locator(".kb-script__reply .kb-placeholder")
        assert chips.all_inner_texts() == ["[customer_name]", "[amount]"]
        assert chips.first.is_visible()
        assert "Situation: refund" in page.locator(".kb-script__traits").inner_text()
        rows = page.locator("table tbody tr").all_inner_texts()
        assert rows[1].split("\t")[:3] == ["[amount]", "Amount <with currency>", "required"]
        page.get_by_role("button", name="Copy reply").click()
        page.wait_for_function("document.querySelector('.kb-copy-button.kb-copied')")
        assert page.evaluate("navigator.clipboard.readText()") == REPLY
