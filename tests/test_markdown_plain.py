"""The plain-body outline (kbtools/content/markdown/plain.py) gives markdown-it's answers.

Every body it reads must have the outline the markdown-it reader gives (headings with ids,
links with their lines and offsets, ids); a body it cannot read exactly must be left to
markdown-it (None). Checked on edge cases, the example knowledge base and a synthetic one.
"""

from __future__ import annotations

import pytest

from bench.synth import generate_kb
from kbtools.content.markdown import outline
from kbtools.content.markdown.plain import plain_outline
from kbtools.registry import open_kb
from tests.support import REPO

READ_PLAIN = {
    "code span hides a link": "See `[a](b.md)` and [c](d.md).",
    "macros": "[a](b.md) {{ x }} and {% if y %}[c](d.md){% endif %} {## note ##}",
    "fenced code": "Text\n```md\n[a](hidden.md)\n# not a heading\n```\n[b](shown.md)",
    "tilde fence": "~~~\n[a](x.md)\n~~~~\n[b](y.md)",
    "unclosed fence": "Intro [z](z.md)\n```\n[a](x.md)",
    "indented closing fence": "```\n[a](x.md)\n   ```\n[b](y.md)",
    "admonition": ("!!! note \"Title\"\n    Body [a](in.md)\n\n    ## Inside\n\n    ```\n"
                   "    [c](code.md)\n    ```\nAfter [b](out.md)\n\n## Inside"),
    "tabs": "=== \"One\"\n    [t](t.md)\n\n=== \"Two\"\n    - [u](u.md#x)\n",
    "details": "??? tip\n    x [v](v.md)\n\n??? \"Only title\"\n    y",
    "duplicate headings": "## Same\n\n## Same\n\n# Same\n\n### Ünïcode: déjà vu?",
    "lists": "- item [a](x.md)\n1. one [b](y.md#sec)\n2) two\n* star [c](z.md)\n+ plus",
    "emphasis": "**[bold](x.md)** and *[em](y.md)* and _x_",
    "images": "![alt](img.png) !![b](c.png) ![](e.png)",
    "lazy continuation": "- item\ncontinued [a](b.md)\n\nPara [c](d.md#e)",
    "numbers": "70 items [a](b.md)\n2026 was [c](https://example.com/a?b=1#c)",
    "parentheses": "(see [a](b.md)) and [c](d.md)(e)",
}

LEFT_TO_MARKDOWN_IT = {
    "macro in a target": "[c]({{ y }}.md)",
    "macro in a label": "[{{ x }}](b.md)",
    "other scheme": "[a](javascript:x)",
    "footnote": "[^1](x.md)",
    "setext heading": "Title\n===\n\n[a](b.md)",
    "indented code": "    indented [a](x.md)",
    "link title": "[a](x.md \"title\")",
    "unclosed code span": "a `b [c](d.md)",
    "attribute list": "## Title {#custom}\n\nText {: #id }",
    "code in a heading": "# Heading with `code`",
    "tab": "a\t[b](c.md)",
    "carriage returns": "a [b](c.md)\r\n\r\n## H\r\n",
    "table": "| a | b |\n|---|---|\n| [x](y.md) | z |",
    "closing hashes": "## T ##",
    "stray bracket": "a](b.md)",
    "block quote": "> quote [a](b.md)",
    "link in a container title": "!!! note \"See [x](y.md)\"\n    body",
    "thematic breaks": "a\n\n- - -\n\n***\n[b](c.md)",
    "double backticks": "``a`` [b](c.md)",
    "no-break space line": "a\n\u00a0\n[b](c.md)",
    "definition list": "Term\n: definition [a](b.md)",
    "raw HTML": "<div>\n[a](b.md)\n</div>",
    "empty heading": "#\n[a](b.md)",
    "task list": "- [ ] task [a](b.md)",
    "reference link": "[a][ref]\n\n[ref]: b.md",
    "autolink": "<https://example.com> [a](b.md)",
    "multi-line link": "[a\nb](c.md)",
}


@pytest.mark.parametrize("body", READ_PLAIN.values(), ids=READ_PLAIN.keys())
def test_plain_bodies_get_markdown_its_outline(body):
    found = plain_outline(body, 7)
    assert found is not None
    assert found == outline(body, 7, plain=False)
    assert outline(body, 7) == found


@pytest.mark.parametrize("body", LEFT_TO_MARKDOWN_IT.values(), ids=LEFT_TO_MARKDOWN_IT.keys())
def test_other_bodies_are_left_to_markdown_it(body):
    assert plain_outline(body, 7) is None
    assert outline(body, 7) == outline(body, 7, plain=False)


def test_what_an_outline_holds():
    found = plain_outline("Intro [a](../faq/x.md#sec) and ![i](img/a.png).\n\n"
                          "## Refunds\n\n```\n[no](n.md)\n```\n## Refunds", 5)
    assert [(link.line, link.target, link.image) for link in found.links] == [
        (5, "../faq/x.md#sec", False), (5, "img/a.png", True)]
    assert [(h.line, h.level, h.text, h.id) for h in found.headings] == [
        (7, 2, "Refunds", "refunds"), (12, 2, "Refunds", "refunds_1")]
    assert found.ids == {"refunds", "refunds_1"}


def _agree(root) -> int:
    """How many of the bodies under ``root`` are read plain (each checked against
    markdown-it)."""
    kb = open_kb(root, cache=False)
    plain = 0
    for article in kb.corpus.articles:
        found = plain_outline(article.body, article.body_line)
        if found is not None:
            plain += 1
            assert found == outline(article.body, article.body_line, plain=False), article.path
    return plain


def test_the_example_knowledge_base_agrees():
    assert _agree(REPO) >= 10


def test_a_synthetic_knowledge_base_agrees(tmp_path):
    generate_kb(tmp_path / "kb", 150, seed=3)
    assert _agree(tmp_path / "kb") >= 150
