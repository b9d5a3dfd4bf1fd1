"""The one Markdown reader: heading ids as the site renders them, links, code, comments and
prose with their lines, and the tools that read through it (stale, search, lint, sites)."""

from __future__ import annotations

import re

import markdown
import pytest
from mkdocs.utils.yaml import yaml_load

from kbtools.content.markdown import outline, read, read_inline
from kbtools.content.plaintext import strip_markdown
from kbtools.registry import open_kb
from kbtools.review.stale import stale_report
from kbtools.scripts.lint import prose
from kbtools.sites.render import strip_comments
from kbtools.translations.segment import segment
from tests.support import REPO, article, make_kb


def site_ids(text: str) -> list[str]:
    """Heading ids in the HTML that Python-Markdown renders with the sites' extensions."""
    config = yaml_load((REPO / "kbtools/sites/mkdocs.yml").read_text(encoding="utf-8"))
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, option = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        options[name] = option or {}
    html = markdown.Markdown(extensions=names, extension_configs=options).convert(text)
    return re.findall(r'<h[1-6][^>]*\bid="([^"]*)"', html)


TRICKY_HEADINGS = {
    "duplicates": "# Refunds\n\n## Refunds\n\n## Refunds\n\n### Refunds_1\n\n## Refunds\n",
    "punctuation": "## What's new? (v2.0) — 100% *fast* & `code_x`!\n\n## C++ / C#: a.b-c\n",
    "russian": "## Возврат денег\n\n## Как вернуть?\n\n## Возврат денег\n",
    "arabic": "## استرداد المبلغ\n\n## كيف أعيد تعيين كلمة المرور؟\n",
    "mixed": "## Шаги { #po-shagam }\n\n## po-shagam\n\n## Ünïcödé Çafé\n\n## \n\n## ---\n",
    "setext and containers": ("Setext\n======\n\nSub *two*\n---------\n\n!!! note \"Title\"\n"
                              "    ## Inside a note\n\n??? tip\n    ### Inside details\n\n"
                              "=== \"Tab\"\n    #### Inside a tab\n\n- item\n\n    ## In a list\n"),
    "inline markup": ("## A [link](x.md) and ![image](y.png) here\n\n## Footnote[^1]\n\n"
                      "## <span>raw</span> html &amp; entity\n\n[^1]: A note.\n"),
}


@pytest.mark.parametrize("name", sorted(TRICKY_HEADINGS))
def test_heading_ids_are_the_ids_the_site_renders(name):
    text = TRICKY_HEADINGS[name]
    assert [h.id for h in read(text).headings] == site_ids(text)


def test_heading_ids_of_the_example_knowledge_base_match_the_site():
    kb = open_kb(REPO)
    for item in kb.corpus.articles:
        assert [h.id for h in read(item.body).headings] == site_ids(item.body), item.path


def test_headings_have_file_lines_levels_and_readers_text():
    body = ("Intro\n\nSetext *title*\n=============\n\n!!! warning \"Careful\"\n"
            "    ## Inside {: .wide }\n\n## Custom {#mine}\n")
    found = [(h.line, h.level, h.text, h.id) for h in read(body, 7).headings]
    assert found == [(9, 1, "Setext title", "setext-title"), (13, 2, "Inside", "inside"),
                     (15, 2, "Custom", "mine")]


STALE_FILES = {
    "docs/faq/target.md": article(
        "Target", "Refunds\n=======\n\n!!! note \"Steps\"\n    ## Card payments\n\n"
                  "=== \"Invoices\"\n    ### Bank transfer\n", owner="ann", reviewed="2026-11-01"),
    "docs/faq/source.md": article(
        "Source", "[a](target.md#refunds) [b](target.md#card-payments) "
                  "[c](target.md#bank-transfer)\n\n[d](target.md#missing)\n",
        owner="ann", reviewed="2026-11-01"),
}


def test_setext_and_admonition_headings_are_anchors_for_kb_stale(tmp_path):
    make_kb(tmp_path, STALE_FILES)
    entries = {e.path: e for e in stale_report(open_kb(tmp_path), as_of="2026-11-23").entries}
    assert [(r.code, r.line, r.message) for r in entries["docs/faq/source.md"].reasons] == [
        ("broken-link", 8, "link to docs/faq/target.md#missing: no such heading in "
                           "docs/faq/target.md")]
    assert not entries["docs/faq/target.md"].reasons


def test_raw_html_ids_are_anchors_for_kb_stale_but_not_inside_code(tmp_path):
    target = ('<a name="legacy"></a>\n\n<div id="box">\nText\n</div>\n\n'
              '```html\n<p id="shown-only">\n```\n')
    make_kb(tmp_path, {
        "docs/faq/target.md": article("Target", target, owner="ann", reviewed="2026-11-01"),
        "docs/faq/source.md": article(
            "Source", "[a](target.md#legacy) [b](target.md#box) [c](target.md#shown-only)\n",
            owner="ann", reviewed="2026-11-01"),
    })
    entries = {e.path: e for e in stale_report(open_kb(tmp_path), as_of="2026-11-23").entries}
    assert [r.message for r in entries["docs/faq/source.md"].reasons] == [
        "link to docs/faq/target.md#shown-only: no such heading in docs/faq/target.md"]


LINKS = """\
See [a page](a.md#part "Title") and ![a picture](img/p.png),
then <https://example.test/x> or <help@example.test>, [a ref][r] and [shortcut].
Inline `[not a link](code.md)` stays code.

```markdown
[inside a fence](fence.md)
```

    [indented code](indented.md)

> Quoted <a href="raw.md">raw</a> and <img src="raw.png">
<!-- [commented](comment.md) -->

[r]: <ref target.md> "t"
[shortcut]: short.md
"""


def test_links_with_lines_and_where_their_targets_are_written():
    found = [(link.line, link.target, link.image, link.kind) for link in read(LINKS, 10).links]
    assert found == [
        (10, "a.md#part", False, "inline"), (10, "img/p.png", True, "inline"),
        (11, "https://example.test/x", False, "autolink"),
        (11, "mailto:help@example.test", False, "autolink"),
        (11, "ref target.md", False, "reference"), (11, "short.md", False, "reference"),
        (20, "raw.md", False, "html"), (20, "raw.png", True, "html"),
    ]
    for link in read(LINKS).links:
        if link.kind != "autolink":
            assert LINKS[link.start:link.end] == link.target


def test_code_spans_and_blocks_with_lines():
    code = [(c.line, c.block, c.info, c.text) for c in read(LINKS, 10).code]
    assert code == [(12, False, "", "[not a link](code.md)"),
                    (14, True, "markdown", "[inside a fence](fence.md)\n"),
                    (18, True, "", "[indented code](indented.md)\n")]


def test_an_unclosed_comment_hides_the_rest_of_the_body():
    body = ("Visible <!-- closed --> text.\n\nStill visible <!-- never closed\n\n"
            "## Secret heading\n\n[secret link](s.md) and secret words.\n")
    doc = read(body, 3)
    assert [(c.line, body[c.start:c.end]) for c in doc.comments] == [
        (3, "<!-- closed -->"), (5, body[body.index("<!-- never"):])]
    assert doc.headings == () and doc.links == ()
    text = strip_markdown(body)
    assert text == "Visible text.\nStill visible"
    assert "ecret" not in strip_comments(body)
    assert strip_comments(body).count("\n") == body.count("\n")


def test_a_comment_opened_in_one_paragraph_hides_up_to_its_end():
    body = "One <!-- hidden\n\nstill hidden --> shown again.\n\n## After\n"
    doc = read(body)
    assert strip_markdown(body) == "One\nshown again.\nAfter"
    assert [(h.line, h.id) for h in doc.headings] == [(5, "after")]


def test_prose_strips_markup_keeps_what_a_reader_sees_and_marks_the_rest():
    body = ("Hi {{ name }}, see [the *guide*](https://x.test/a){: .big } and `code`.\n"
            "![Alt text](p.png) {% if x %}yes{% endif %} www.example.test/y\n")
    (paragraph,) = read(body).prose
    assert paragraph.text == "Hi , see the guide and code.\nAlt text yes www.example.test/y"
    kinds = [(p.kind, body[p.start:p.end]) for p in paragraph.pieces
             if p.kind not in ("emphasis", "open", "break")]
    assert kinds == [("macro", "{{ name }}"), ("target", "](https://x.test/a)"),
                     ("attrs", "{: .big }"), ("code", "`code`"), ("target", "](p.png)"),
                     ("macro", "{% if x %}"), ("macro", "{% endif %}"),
                     ("url", "www.example.test/y")]
    assert read_inline("A `b` [c](d)").text == "A b c"


def test_tables_titles_and_lines_of_prose():
    body = ("| Plan | Price |\n|---|---|\n| Basic | `5` EUR |\n\n"
            "!!! tip \"Use when\"\n    The customer asks.\n\nTerm\n:   Definition\n")
    found = [(p.kind, p.line, p.text) for p in read(body, 20).prose]
    assert found == [("cell", 20, "Plan"), ("cell", 20, "Price"), ("cell", 22, "Basic"),
                     ("cell", 22, "5 EUR"), ("title", 24, "Use when"),
                     ("paragraph", 25, "The customer asks."), ("term", 27, "Term"),
                     ("paragraph", 28, "Definition")]
    assert strip_markdown(body) == ("Plan · Price\nBasic · 5 EUR\nUse when\nThe customer asks.\n"
                                    "Term\nDefinition")


def test_lint_sees_prose_only_at_the_same_columns():
    body = ("Just `just` [just](just.md) <b>just</b>\n<!-- just\njust -->\n"
            "{% if x %}just{% endif %} https://x.test/just\n")
    text = prose(body)
    assert len(text) == len(body) and text.count("\n") == body.count("\n")
    assert [m.start() for m in re.finditer("just", text)] == [body.index("just]"),
                                                              body.index("just</b>"),
                                                              body.index("just{%")]


def test_crlf_bodies_keep_their_offsets():
    body = "# Title\r\n\r\nText [link](a.md) and `code`.\r\n"
    doc = read(body, 4)
    assert [(h.line, h.id) for h in doc.headings] == [(4, "title")]
    (link,) = doc.links
    assert (link.line, body[link.start:link.end]) == (6, "a.md")
    assert prose(body).count("code") == 0 and len(prose(body)) == len(body)


def test_segment_keeps_every_byte_outside_prose():
    body = ("# Title {#keep}\n\n!!! note \"Read me\"\n    Text with [a link](x.md).\n\n"
            "```\ncode\n```\n\n<!-- note -->\n- [ ] task item\n")
    doc = segment(body)
    assert doc.render({id(u): u.restore(u.text) for u in doc.units}) == body
    assert [u.text for u in doc.units] == ["Title ⟦1⟧", "Read me", "Text with ⟦1⟧a link⟦2⟧.",
                                           "⟦1⟧ task item"]


OUTLINED = {
    **TRICKY_HEADINGS, "links": LINKS,
    "unclosed": "Text <!-- open\n\n## Hidden\n\n[h](h.md)\n",
    "closed later": "One <!-- hidden\n\nstill --> [shown](s.md)\n\n## After {#after}\n",
    "cells": "| a | a [x](x.md) |\n|---|---|\n| `[c](c.md)` | [d](d.md#e) |\n",
    "attributes": "Para {: #para-id }\n\nPlain text, no links.\n\n## Head {: .wide }\n",
    "html": '<div id="d" name="n">\n<a href="a.md">a</a>\n</div>\n\nText <span id="s">x</span>\n',
    "macros": "{{ x }} and {% if y %}[l](l.md){% endif %}\n\n## {{ title }}\n",
    "containers": '!!! note "A [t](t.md)"\n    Body [b](b.md)\n\n=== "Tab"\n    ## In tab\n',
    "footnotes": "Text[^1] and ^[inline [i](i.md)]\n\n[^1]: Note [n](n.md)\n",
    "crlf": "# T\r\n\r\nText [l](l.md)\r\n",
}


@pytest.mark.parametrize("name", sorted(OUTLINED))
def test_an_outline_is_what_read_finds(name):
    body = OUTLINED[name]
    for first_line in (1, 9):
        assert outline(body, first_line) == read(body, first_line).outline
