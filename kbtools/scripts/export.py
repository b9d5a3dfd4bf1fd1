"""Export answer scripts for helpdesks: Zendesk macro JSON or a plain CSV table, per language.

Zendesk: each script becomes a macro object as Zendesk's macros API takes it
(``POST /api/v2/macros`` with ``{"macro": <object>}``); a file holds the list form
``{"macros": [<object>, ...], "count": n}``. The reply goes in a ``comment_value`` action,
``comment_mode_is_public`` makes it a public reply (an internal note for phone scripts, which
are read aloud), ``current_tags`` adds the article's tags.

Placeholders: those Zendesk knows become its placeholders (:data:`ZENDESK_PLACEHOLDERS`);
any other one becomes its fallback text, or ``[name]`` for the agent to replace when it has
none (the macro description lists them). Shared facts are filled in at export time.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kbtools import atomic
from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.macros import MacroError
from kbtools.errors import ContentError, UsageError
from kbtools.scripts.replies import ScriptInfo, list_scripts

FORMATS = ("zendesk", "csv")
ZENDESK_PLACEHOLDERS: Mapping[str, str] = {
    "customer_name": "{{ticket.requester.first_name}}",
    "customer_first_name": "{{ticket.requester.first_name}}",
    "customer_full_name": "{{ticket.requester.name}}",
    "customer_email": "{{ticket.requester.email}}",
    "ticket_id": "{{ticket.id}}",
    "agent_name": "{{current_user.first_name}}",
}
"""Our placeholder name -> the Zendesk placeholder that fills it."""

CSV_COLUMNS = ("name", "lang", "title", "channel", "situation", "tone", "use_when",
               "placeholders", "required", "path", "reply")
_EXTENSIONS = {"zendesk": ".json", "csv": ".csv"}


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One exported file's content, for one language (not yet written)."""

    lang: str
    format: str
    filename: str
    content: str
    count: int


def export_macros(kb: KnowledgeBase, fmt: str, langs: Iterable[str] = ()) -> list[ExportFile]:
    """Build one export per language that has scripts (or per language in ``langs``).

    Raises :class:`UsageError` for an unknown format or language, :class:`ContentError` when
    a script cannot render (its file and line in the message).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (expected {'|'.join(FORMATS)})")
    wanted = list(langs) or _languages_with_scripts(kb)
    unknown = [lang for lang in wanted if lang not in kb.config.languages]
    if unknown:
        raise UsageError(f"unknown language {', '.join(unknown)} "
                         f"(kb.yml languages: {', '.join(kb.config.languages)})")
    files = []
    for lang in wanted:
        scripts = list_scripts(kb, lang)
        content = (_zendesk(kb, scripts) if fmt == "zendesk" else _csv(kb, scripts))
        files.append(ExportFile(lang, fmt, f"macros.{lang}{_EXTENSIONS[fmt]}", content,
                                len(scripts)))
    return files


def write_exports(files: list[ExportFile], out: Path) -> list[Path]:
    """Write ``files`` atomically: into folder ``out``, or to file ``out`` when it ends in
    the format's extension and there is exactly one file. Returns the paths written."""
    out = Path(out)
    if len(files) == 1 and out.suffix == _EXTENSIONS[files[0].format]:
        atomic.write_text(out, files[0].content)
        return [out]
    if out.suffix in (".json", ".csv"):
        raise UsageError(f"--out {out}: one file per language is written, so --out must be a "
                         "folder (or give exactly one --lang)")
    written = []
    for file in files:
        target = out / file.filename
        atomic.write_text(target, file.content)
        written.append(target)
    return written


def _languages_with_scripts(kb: KnowledgeBase) -> list[str]:
    present = {a.lang for a in kb.corpus.of_kind("script")}
    return [lang for lang in kb.config.languages if lang in present]


def _reply(kb: KnowledgeBase, info: ScriptInfo, values: Mapping[str, str]) -> str:
    article = info.article
    try:
        text = kb.macros_for(article.lang).render(article.body, path=article.path,
                                first_line=article.body_line, variables=values)
    except MacroError as exc:
        raise ContentError(f"cannot export {article.path}: {exc}") from None
    return text.strip() + "\n"


def zendesk_macro(kb: KnowledgeBase, info: ScriptInfo) -> dict:
    """The macro object for one script, in the shape ``POST /api/v2/macros`` accepts."""
    values, to_fill = {}, []
    for name, placeholder in info.placeholders.items():
        if name in ZENDESK_PLACEHOLDERS:
            values[name] = ZENDESK_PLACEHOLDERS[name]
        elif placeholder.fallback is not None:
            values[name] = placeholder.fallback
        else:
            values[name] = f"[{name}]"
            to_fill.append(f"[{name}] {placeholder.description}".strip())
    description = info.use_when or ""
    if to_fill:
        description = (description + " " if description else "") + \
            "Replace before sending: " + "; ".join(to_fill) + "."
    tags = " ".join(re.sub(r"\s+", "_", t.strip().lower()) for t in info.article.tags)
    actions = [
        {"field": "comment_value", "value": _reply(kb, info, values)},
        {"field": "comment_mode_is_public", "value": "false" if info.channel == "phone" else "true"},
    ]
    if tags:
        actions.append({"field": "current_tags", "value": tags})
    return {"title": info.article.title, "description": description, "active": True,
            "restriction": None, "actions": actions}


def _zendesk(kb: KnowledgeBase, scripts: list[ScriptInfo]) -> str:
    macros = [zendesk_macro(kb, info) for info in scripts]
    return json.dumps({"macros": macros, "count": len(macros)}, ensure_ascii=False,
                      indent=2) + "\n"


def _csv(kb: KnowledgeBase, scripts: list[ScriptInfo]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for info in scripts:
        article, declared = info.article, info.placeholders
        reply = _reply(kb, info, {name: f"[{name}]" for name in declared})
        writer.writerow([
            article.name, article.lang, article.title, info.channel or "",
            info.situation or "", info.tone or "", info.use_when or "",
            " ".join(declared), " ".join(n for n, p in declared.items() if p.required),
            article.path, reply,
        ])
    return buffer.getvalue()
