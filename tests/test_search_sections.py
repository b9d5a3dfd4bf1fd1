"""The internal site's search entries come from the sanitizer's pass over each page
(:mod:`kbtools.sites.search_sections`): the sections are the ones Material's search parser
finds in the HTML the sanitizer wrote, and a page whose HTML a later plugin changes is left to
Material's search. (That a whole build's index is the same bytes with and without it:
``tests/test_shared_fragments.py``.)"""

from __future__ import annotations

import json
import random

import pytest
from material.plugins.search.plugin import Parser

from kbtools.registry import open_kb
from kbtools.sites import build
from kbtools.sites.sanitize import sanitize_internal
from kbtools.sites.search_entries import SEARCH_INDEX
from kbtools.sites.search_sections import Sections
from tests.support import MKDOCS, article, make_kb


def material_sections(html: str) -> list[tuple]:
    """What Material's search finds in ``html``, parsing it as its plugin does."""
    parser = Parser()
    parser.feed(html)
    parser.close()
    return [_fields(section) for section in parser.data]


def _fields(section) -> tuple:
    return (section.el.tag, dict(section.el.attrs), section.id, section.depth,
            list(section.title), list(section.text), section.is_excluded())


def single_pass(html: str) -> tuple[str, list[tuple]]:
    sections = Sections()
    written = sanitize_internal(html, into=sections)
    return written, [_fields(section) for section in sections.found()]


TRICKY = [
    "",
    "Text before any heading, <b>bold</b> &amp; more.\n\nAnd a second line.",
    '<h1 id="a">Title<a class="headerlink" href="#a">¶</a></h1><p>Intro</p>'
    '<h2 id="b">Part <code>two</code></h2><ul><li>one</li><li> </li></ul>',
    '<h2 id="x">Not h1 first</h2><p>text</p>',
    '<div data-search-exclude><h2 id="h">Hidden</h2><p>secret</p></div><p>shown</p>',
    '<h3 id="d" data-search-exclude>Excluded heading</h3><p>below it</p>',
    '<pre><code>  keep\n    spaces\n</code></pre><p>a\nb  \n c</p>',
    '<p>a<!-- a comment -->b</p><p> <!-- c --> </p><p>x<?pi?>y<!DOCTYPE html>z</p>',
    '<p onclick="alert(1)" id="p1" id="p2">dup ids</p><a href="javascript:x()">link</a>',
    '<object data="x.swf"><p>inside object</p></object><embed src="x"><p>after</p>',
    '<script>alert(1)</script><p>after a script</p><style>p{color:red}</style>'
    '<style>a<b</style><style/>tail',
    '<p>a<a_b c="&amp;">b</p><p>x</1y>z</p><br/><div/>text<img src="x.png"/>',
    '<div><h2 id="n">Nested heading</h2><p>in div</p></div><p>after the div</p>',
    '<table><tr><td>cell &lt;b&gt;</td></tr></table><p>&#0; &#x110000; &nbsp;x</p>',
    '<p>unclosed <em>tags <strong>here',
    '<h2 id="s"><span>Span</span> title</h2>text <sub>1</sub><sup>2</sup>\r\n<p>cr</p>',
    '<svg><rect/><animate attributeName="href" to="javascript:x"/></svg><p>svg</p>',
    '<table class="linenotable"><tr><td class="linenodiv"><pre>1\n2</pre></td>'
    '<td><pre>code</pre></td></tr></table>',
    '<div class="admonition" data-kb-banner="x"><p>Banner</p></div>\n\n'
    '<h1 id="t">Body</h1><p>Body text</p>',
]


@pytest.mark.parametrize("html", TRICKY)
def test_the_sections_are_materials_on_the_written_html(html):
    written, found = single_pass(html)
    assert found == material_sections(written)


PIECES = [
    "<h1 id=\"t{n}\">", "</h1>", "<h2 id=\"s{n}\">", "<h2>", "</h2>", "<h3 id=\"u{n}\">",
    "</h3>", "<p>", "</p>", "<code>", "</code>", "<pre>", "</pre>", "<ul>", "<li>", "</li>",
    "</ul>", "<div>", "<div data-search-exclude>", "</div>", "<em>", "</em>",
    '<a class="headerlink" href="#x">', "</a>", "<script>x<1</script>", "<style>p{}</style>",
    "<!-- c -->", "<object>", "</object>", "<br>", "<img src=x>", "<span/>", "<x_y>",
    "</1>", "<sub>", "</sub>", " ", "\n", "  \n ", "word", "two words", "&amp;", "&lt;",
    "é ü ж ش", "a\nb", "<table><tr><td>", "</td></tr></table>", "<meta>", "<base href=x>",
    '<p onclick="x">', '<a href="javascript:x">', "\r\n",
]


def test_random_pages_give_materials_sections():
    rng = random.Random(20261129)
    for _ in range(600):
        html = "".join(rng.choice(PIECES).replace("{n}", str(rng.randrange(5)))
                       for _piece in range(rng.randrange(1, 40)))
        written, found = single_pass(html)
        assert found == material_sections(written), html


def test_the_sanitizer_writes_the_same_with_or_without_sections():
    for html in TRICKY:
        assert single_pass(html)[0] == sanitize_internal(html)


HOOK = '''from mkdocs.plugins import event_priority


@event_priority(-100)  # after kb's sanitizer
def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith("triage.md"):
        return html + "<p>Added by a hook: zebracrossing</p>"
    return html
'''


def test_a_page_whose_html_a_later_plugin_changes_is_left_to_materials_search(tmp_path):
    root = make_kb(tmp_path / "kb", {
        "mkdocs.yml": MKDOCS + "hooks:\n  - hooks.py\n",
        "hooks.py": HOOK,
        "docs/guide/triage.md": article("Triage", "# Triage\n\n## Queues\n\nSort tickets.\n",
                                        owner="bob", reviewed="2026-11-01"),
        "docs/guide/refunds.md": article("Refunds", "# Refunds\n\nWithin 14 days.\n",
                                         owner="bob", reviewed="2026-11-01"),
    })
    report = build(open_kb(root), ("internal",), out=tmp_path / "out", jobs=1)["internal"]
    index = json.loads((report.out / SEARCH_INDEX).read_text(encoding="utf-8"))
    texts = {entry["location"]: entry["text"] for entry in index["docs"]}
    # Material parsed the hook's HTML: the added text is found under the page's last section
    assert "zebracrossing" in texts["guide/triage/#queues"]
    assert "Within 14 days." in texts["guide/refunds/"]
    # the other pages' entries came from the sanitizer's pass: not every page, not none
    assert 0 < report.indexed < report.pages
