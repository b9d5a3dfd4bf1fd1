"""A page's markdown as a site shows it: comments out (public), links mapped to the site's
layout, macros rendered, the kind's page body, and the banners.

Portable logic, called by the MkDocs adapter for every article page; it knows nothing about
MkDocs except the page URLs it is given.
"""

from __future__ import annotations

import posixpath
from datetime import date

from kbtools.content.bodycache import BodyCache
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.links import links_in
from kbtools.content.markdown import read
from kbtools.content.model import Article
from kbtools.sites.banners import page_banners
from kbtools.sites.site import site_path
from kbtools.sites.staging import StagedSite


def render_parts(kb: KnowledgeBase, staged: StagedSite, article: Article, *, src_uri: str,
                 reader_lang: str, today: date, source_href: str | None = None,
                 memo: dict[tuple[str, str], str] | None = None) -> tuple[str, str]:
    """The two parts of ``article``'s page markdown at ``src_uri`` for a reader of
    ``reader_lang``: its banners (raw HTML, one line each; "" for none) and its body.

    ``memo`` (one per site build) keeps each page's text after macros, which is the same for
    every reader: an English page shown in the other languages renders its macros once.
    Raises :class:`~kbtools.templating.MacroError` (file and line) when a macro fails.
    """
    text = memo.get((article.path, src_uri)) if memo is not None else None
    if text is None:
        text = _with_macros(kb, staged, article, src_uri)
        if memo is not None:
            memo[(article.path, src_uri)] = text
    text = body_of(kb, article, text, reader_lang)
    found = page_banners(kb, article, reader_lang=reader_lang, internal=not staged.site.public,
                         today=today, source_href=source_href)
    return "\n".join(b.html for b in found), text


def joined(banners: str, body: str) -> str:
    """A page's markdown from its :func:`render_parts`: the banners, a blank line, the body."""
    return banners + "\n\n" + body if banners else body


def _with_macros(kb: KnowledgeBase, staged: StagedSite, article: Article, src_uri: str) -> str:
    """``article``'s body as the site shows it before the kind's renderer and the banners:
    comments out (public), links mapped, macros rendered with its language's facts."""
    public = staged.site.public
    text = strip_comments(article.body) if public else article.body
    text = map_links(staged, article, src_uri, text, kb.bodies)
    macros = kb.macros_for(article.lang, public=public)  # the page's language's facts
    return macros.render(text, path=article.path, first_line=article.body_line,
                         variables=_placeholders(kb, article))


def body_of(kb: KnowledgeBase, article: Article, text: str, lang: str | None = None) -> str:
    """The kind's page body for readers of ``lang`` (its registered renderer; the text itself
    for kinds without)."""
    return kb.kinds.render_body(kb, article, text, lang)


def copy_box(markdown: str, label: str = "") -> str:
    """Markdown wrapped in an element whose text the site's copy button puts on the clipboard
    (``data-kb-copy``; see ``theme/assets/kb/kb.js``). Needs the ``md_in_html`` extension."""
    return (f'<div class="kb-copy" data-kb-copy="{label}" markdown="1">\n\n'
            f"{markdown.strip()}\n\n</div>\n")


def strip_comments(text: str) -> str:
    """Remove HTML comments outside code (an unclosed one hides the rest, as in a browser),
    keeping the line count (so errors keep their line numbers)."""
    if "<!--" not in text:  # nothing to strip: no need to read the body
        return text
    out, at = [], 0
    for comment in read(text).comments:
        out.append(text[at:comment.start])
        out.append("\n" * text.count("\n", comment.start, comment.end))
        at = comment.end
    return "".join(out) + text[at:]


def map_links(staged: StagedSite, article: Article, src_uri: str, text: str,
              bodies: BodyCache | None = None) -> str:
    """Rewrite links whose target moves in the site (``../playbooks/x.md`` from ``docs/`` is
    ``playbooks/x.md`` in the site); other links are left exactly as written. ``text`` is
    ``article``'s body, perhaps with comments stripped; ``bodies``, the knowledge base's
    outlines (read by its check), spares reading it again."""
    base = posixpath.dirname(src_uri)
    edits: dict[int, tuple[int, str]] = {}
    for link in links_in(article.path, text, article.body_line, bodies):
        if link.external or link.path is None or link.start in edits \
                or text[link.start:link.end] != link.target:  # not written as read (entities)
            continue
        written = link.target.partition("#")[0].split("?")[0]
        target = _relative(site_path(link.path), base)
        if written.endswith("/"):
            target += "/"
        if target == written or written.startswith("/"):
            continue
        edits[link.start] = (link.end, target + (f"#{link.anchor}" if link.anchor else ""))
    for start in sorted(edits, reverse=True):
        end, new = edits[start]
        text = text[:start] + new + text[end:]
    return text


def _relative(path: str, base: str) -> str:
    """``posixpath.relpath(path, base)`` for two normalized paths from the site's root
    (``base`` "" for the root), without the two ``os.getcwd()`` it makes per call."""
    parts, start = path.split("/"), base.split("/") if base else []
    if ".." in parts or ".." in start:
        return posixpath.relpath(path, base or ".")
    common = 0
    for a, b in zip(parts, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def _placeholders(kb: KnowledgeBase, article: Article) -> dict[str, str] | None:
    """Names the kind declares (answer-script placeholders, the source's too for a
    translation) render as themselves (``{{ amount }}``) for the agent."""
    names = set(kb.kinds.macro_names(article))
    source = kb.corpus.get(article.source) if article.source else None
    if source is not None:
        names.update(kb.kinds.macro_names(source))
    return {name: "{{ " + name + " }}" for name in names} if names else None
