"""Banners on pages, computed from the content model and written in the reader's language.

- ``overdue``: an internal page past its review date (owner and due date);
- ``outdated``: a translation whose source changed in substance since it was made;
- ``machine``: a machine translation no person has reviewed yet;
- ``fallback``: a page shown in the source language because it has no translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.content.model import Article
from kbtools.review.schedule import review_state
from kbtools.translations.verdicts import OUTDATED, verdict

# {owner}, {due}, {link} (a link to the source page) and {language} are filled in.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "overdue": "This page is overdue for review (due {due}). Owner: {owner}.",
        "outdated": "This translation may be out of date — see the {link}.",
        "source": "English version",
        "machine": "Machine translation, not yet reviewed by a person.",
        "fallback": "This page is not available in {language} yet; you are reading the "
                    "English version.",
        "language": "your language",
    },
    "ar": {
        "overdue": "هذه الصفحة متأخرة عن موعد المراجعة (الموعد: {due}). المسؤول: {owner}.",
        "outdated": "قد تكون هذه الترجمة قديمة — راجع {link}.",
        "source": "النسخة الإنجليزية",
        "machine": "ترجمة آلية لم يراجعها أحد بعد.",
        "fallback": "هذه الصفحة غير متوفرة باللغة {language} بعد؛ أنت تقرأ النسخة الإنجليزية.",
        "language": "العربية",
    },
    "fa": {
        "overdue": "موعد بازبینی این صفحه گذشته است (موعد: {due}). مسئول: {owner}.",
        "outdated": "ممکن است این ترجمه قدیمی باشد — {link} را ببینید.",
        "source": "نسخهٔ انگلیسی",
        "machine": "ترجمهٔ ماشینی، هنوز کسی آن را بازبینی نکرده است.",
        "fallback": "این صفحه هنوز به {language} در دسترس نیست؛ نسخهٔ انگلیسی را می‌خوانید.",
        "language": "فارسی",
    },
    "ru": {
        "overdue": "Срок проверки этой страницы истёк ({due}). Ответственный: {owner}.",
        "outdated": "Этот перевод может быть устаревшим — см. {link}.",
        "source": "английскую версию",
        "machine": "Машинный перевод, ещё не проверен человеком.",
        "fallback": "Эта страница пока не переведена на {language}; вы читаете английскую "
                    "версию.",
        "language": "русский язык",
    },
    "sl": {
        "overdue": "Ta stran je zamudila pregled (rok: {due}). Lastnik: {owner}.",
        "outdated": "Ta prevod je morda zastarel — glejte {link}.",
        "source": "angleško različico",
        "machine": "Strojni prevod, ki ga še nihče ni pregledal.",
        "fallback": "Ta stran še ni na voljo v {language}; berete angleško različico.",
        "language": "slovenščini",
    },
}


@dataclass(frozen=True, slots=True)
class Banner:
    kind: str  # overdue | outdated | machine | fallback
    html: str


def strings(lang: str) -> dict[str, str]:
    """The banner texts for ``lang`` (English for a language without its own)."""
    return STRINGS.get(lang, STRINGS["en"])


def page_banners(kb: KnowledgeBase, article: Article, *, reader_lang: str, internal: bool,
                 today: date, source_href: str | None = None) -> list[Banner]:
    """The banners ``article`` shows to a reader of ``reader_lang``.

    ``source_href`` is the URL of the source page (for the out-of-date banner's link);
    ``internal`` enables the review banner, which customers never see.
    """
    text = strings(reader_lang)
    found: list[Banner] = []
    if article.lang != reader_lang:
        language = text["language"] if reader_lang in STRINGS else reader_lang
        found.append(_banner("fallback", "info", text["fallback"].format(language=language)))
    if article.is_translation:
        source = kb.corpus.get(article.source)
        if source_href and verdict(article, source) == OUTDATED:
            link = f'<a href="{escape(source_href)}">{escape(text["source"])}</a>'
            found.append(_banner("outdated", "warning", escape(text["outdated"]).replace(
                "{link}", link), escaped=True))
        if article.pin is not None and article.pin.machine:
            found.append(_banner("machine", "info", text["machine"]))
    if internal:
        state = review_state(article, kb, today)
        if state.overdue:
            owner = kb.owners.responsible(article.owner) or article.owner
            name = kb.owners.display(owner) if owner else "—"
            found.append(_banner("overdue", "warning",
                                 text["overdue"].format(due=state.due.isoformat(), owner=name)))
    return found


def _banner(kind: str, level: str, message: str, *, escaped: bool = False) -> Banner:
    body = message if escaped else escape(message)
    return Banner(kind, f'<div class="admonition {level} kb-banner kb-banner-{kind}" '
                        f'data-kb-banner="{kind}"><p>{body}</p></div>')
