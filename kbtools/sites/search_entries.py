"""The search indexes of a multilingual site: no copies, one language each, and the spellings
readers type.

A page without a translation is published in every language (the English text, with a
banner); its copies under ``ru/``, ``fa/`` ... would fill search results with duplicates.
Comparing every entry with every other one would take minutes at thousands of pages and miss
copies with a banner; :class:`Copies` does it in one pass, a language at a time, as
:mod:`.search_output` writes the index of every language (Material's search plugin writes one
language's at a time) at the site root.

The public site, read as plain static files, is searched by Material's lunr.js in the browser,
which loads ``search/search_index.json`` from the page's base URL and resolves result links
against it. The ``kb`` plugin gives each public page its language's folder as base URL, and
:mod:`.search_output` writes one index per language there (``ru/search/...``; the
default language's at the root), with locations relative to that folder: a reader searches
the pages of their own language only. Each index is set up for its language
(:func:`language_config`) and carries, in extra fields, the spellings readers type
(:func:`spelling_variants`): ``placilo`` finds ``plačilo``.

Words are split where a reader's word ends (:data:`SEPARATOR`): at white space, hyphens and
the punctuation of Latin, Cyrillic and Arabic script (``،`` ``؛`` ``؟`` ``«»`` ...), so
``(refund)``, ``«Оплата»`` and ``لديكم؟`` are indexed as the words a reader types; Persian also
at the zero-width non-joiner that joins the parts of a word (``به‌روز``: ``روز`` finds it).
The separator is written into each index (``config.separator``): Material's search splits
both the indexed text and every query with it.

What Material's lunr does with a query, and why this is the way: Material appends ``*`` to
every word typed, and lunr runs no pipeline on such a word, so it is matched as typed against
the beginning of the indexed words. A stemmer in the index (lunr-languages has Russian and
Arabic ones) would index ``возврат`` for ``возврата``, and the query ``возврата*`` would then
find nothing; so the stemmer stays off (Material's default), and a folded spelling can only
be met by indexing it next to the original. The variant fields hold only words whose spelling
changes, boosted as the field they come from, so ranking is the same whichever spelling is
typed; Material shows and highlights ``title`` and ``text``, which stay the original.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from mkdocs.contrib.search import LangOption

SEARCH_INDEX = "search/search_index.json"
"""Where Material's search plugin writes the index, under the site folder."""
VARIANTS = "_variants"
"""Suffix of the field that holds another field's spelling variants (``title_variants``)."""

_TAG = re.compile(r"<[^>]*>")
"""Markup Material keeps in the index text (``<code>``, ``<li>``); text has ``<`` escaped."""
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
"""Harakat, superscript alef and tatweel: rarely typed, often written."""
_ALEFS = {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"}
_TO_ARABIC = str.maketrans({**_ALEFS, "\u06cc": "\u064a", "\u06a9": "\u0643"})
"""Persian yeh and keheh as an Arabic keyboard types them."""
_TO_PERSIAN = str.maketrans({**_ALEFS, "\u064a": "\u06cc", "\u0649": "\u06cc",
                             "\u0643": "\u06a9"})
"""Arabic yeh, alef maksura and kaf as a Persian keyboard types them."""
_TO_HEH = str.maketrans({"\u0629": "\u0647", "\u06c0": "\u0647"})
"""Teh marbuta (and heh with yeh above) as heh, as many type it."""
_TYPED_AS = str.maketrans({"đ": "d", "Đ": "D", "ё": "е", "Ё": "Е"})
"""Letters typed as another: ``đ`` (no mark to strip) as ``d``, Russian ``ё`` as ``е``."""
ZWNJ = "\u200c"

SEPARATOR = (r'(?:[\s\-,:;!?()\[\]{}"“”„«»/،؛؟…—–]'  # spaces, hyphens, punctuation, dashes
             r"|\.(?!\d)"                           # a full stop, not the one in 2.5
             r"|&(?:lt|gt|amp|quot);)+")            # how Material's index text writes <>&"
"""Where the sites' own search (lunr) splits words (a JavaScript regular expression that Python
reads the same way): the search plugin's ``separator`` unless ``mkdocs.yml`` sets one."""
SPLIT_AT_ZWNJ = frozenset({"fa"})
"""Languages whose words join their parts with a zero-width non-joiner (Persian ``می‌توانم``):
their index also splits there, so each part is found on its own."""


class Copies:
    """The copies among a site's search entries: the entries of pages in ``fallback_urls``
    (pages shown in the default language under another language's prefix, e.g.
    ``ru/guide/b/``), and entries under a language prefix whose title and text are those of
    the default-language entry at the same location without the prefix. Found a language at
    a time: :meth:`drop` is given the default language's entries first (or all of them at
    once). Kept of the default language's entries is a digest each."""

    def __init__(self, languages: Iterable[str], fallback_urls: Iterable[str] = frozenset()):
        self._prefixes = tuple(f"{lang}/" for lang in languages)
        self._fallback_urls = fallback_urls
        """(read at each :meth:`drop`: the build adds to it as it goes)"""
        self._default: set[bytes] = set()

    def drop(self, entries: list[dict]) -> list[dict]:
        """``entries`` without the copies among them (a new list)."""
        prefixes, default = self._prefixes, self._default
        for entry in entries:
            location = entry.get("location", "")
            if not location.startswith(prefixes):
                default.add(_entry_digest(entry.get("title"), location, entry.get("text")))
        kept = []
        for entry in entries:
            location = entry.get("location", "")
            if location.split("#", 1)[0] in self._fallback_urls:
                continue
            if location.startswith(prefixes):
                bare = location.split("/", 1)[1]
                if _entry_digest(entry.get("title"), bare, entry.get("text")) in default:
                    continue
            kept.append(entry)
        return kept


def _entry_digest(title, location: str, text) -> bytes:
    """What tells an entry from another (its title, location and text), in 16 bytes."""
    return hashlib.blake2b(json.dumps([title, location, text], ensure_ascii=False).encode(
        "utf-8", "surrogatepass"), digest_size=16).digest()


# -- one index per language ------------------------------------------------------------------
def language_entries(entries: Iterable[dict], languages: tuple[str, ...], config: dict
                     ) -> Iterator[tuple[str, list[dict], list[str]]]:
    """``entries`` (every language; ``ru/...`` locations for Russian, unprefixed ones for the
    default language ``languages[0]``) split by language, each language's with locations
    relative to its folder (order kept: Material groups sections under the page entry before
    them) and their spelling variants, as ``(language, entries, variant fields added)`` for
    every language of ``languages`` (if need be with none), one at a time: each language's
    variants are made when it is asked for. ``config`` is the search plugin's (its fields
    and separator); an index's own is :func:`language_config`."""
    # The variants are split without the ZWNJ: ``پرسشها`` (typed without it) stays one word.
    separator = config.get("separator") or SEPARATOR
    fields = search_fields(config)
    split = split_by_language(entries, languages)
    for lang in languages:
        own = split.pop(lang)
        yield lang, own, add_spelling_variants(own, fields, separator)


def split_by_language(entries: Iterable[dict], languages: tuple[str, ...]) -> dict[str, list]:
    """New entries per language (all of ``languages``, the first being the default), each
    with its location relative to the language's folder (``ru/faq/a/#b`` -> ``faq/a/#b``)."""
    split: dict[str, list] = {lang: [] for lang in languages}
    others = set(languages[1:])
    for entry in entries:
        location = entry.get("location", "")
        lang, _, rest = location.partition("/")
        if lang in others:
            split[lang].append({**entry, "location": rest})
        else:
            split[languages[0]].append(dict(entry))
    return split


def search_fields(config: dict) -> dict:
    """The fields the search plugin's ``config`` indexes (Material's default: title, text)."""
    return config.get("fields") or {"title": {}, "text": {}}


def language_config(config: dict, lang: str, variant_fields: Iterable[str] = ()) -> dict:
    """The lunr settings of ``lang``'s index: ``config`` (the search plugin's) with ``lang``
    alone (its stop words), or ``en`` and no pipeline for a language lunr does not know (the
    English trimmer cuts non-ASCII letters off word ends, and its stop words are English);
    the separator of :func:`language_separator`; each of ``variant_fields`` gets the boost of
    the field it varies."""
    known = lunr_knows(lang)
    fields = dict(config.get("fields") or {})
    for name in variant_fields:
        fields[name] = dict(fields.get(name.removesuffix(VARIANTS)) or {})
    return {**config, "lang": [lang if known else "en"],
            "separator": language_separator(config.get("separator") or SEPARATOR, lang),
            "pipeline": list(config.get("pipeline") or []) if known else [],
            "fields": fields}


def language_separator(separator: str, lang: str) -> str:
    """``separator`` (a regular expression), for a language of :data:`SPLIT_AT_ZWNJ` also
    matching the zero-width non-joiner."""
    return f"{separator}|\\u200c" if lang in SPLIT_AT_ZWNJ else separator


def lunr_knows(lang: str) -> bool:
    """Whether lunr.js has language support for ``lang`` (lunr-languages, as MkDocs and
    Material ship it): ``en``, ``ru``, ``ar`` yes; ``fa``, ``sl`` no."""
    return lang == "en" or LangOption().get_lunr_supported_lang(lang) == lang


# -- spellings -------------------------------------------------------------------------------
def add_spelling_variants(entries: list[dict], fields: Iterable[str],
                          separator: str = r"\s+") -> list[str]:
    """Give each entry, for each of ``fields`` it has (strings or lists of strings), a field
    ``<name>_variants`` with the :func:`spelling_variants` of its words (words split at
    ``separator`` and at markup), when there are any; returns the names of the fields added,
    in the order of ``fields``."""
    splitter = _splitter(separator)
    added = []
    for name in fields:
        target = name + VARIANTS
        for entry in entries:
            value = entry.get(name)
            parts = [value] if isinstance(value, str) else value
            if not isinstance(parts, list):
                continue
            variants = [variant for part in parts
                        if isinstance(part, str) and not part.isascii()  # (none in ASCII)
                        for word in splitter.split(_TAG.sub(" ", part)) if word
                        for variant in spelling_variants(word)]
            if variants:
                entry[target] = " ".join(variants)
                if target not in added:
                    added.append(target)
    return added


@lru_cache(maxsize=65536)
def spelling_variants(word: str) -> tuple[str, ...]:
    """Other spellings of ``word`` that readers type, without ``word`` itself:

    - Latin letters without their marks (``plačilo`` -> ``placilo``, ``đ`` -> ``d``);
    - Russian ``ё`` as ``е``;
    - Arabic script without harakat and tatweel, with plain alef, once with the Arabic
      keyboard's yeh and kaf (``ي``, ``ك``) and once with the Persian one's (``ی``, ``ک``),
      each also with teh marbuta as heh (``ة`` -> ``ه``); a word joined by a zero-width
      non-joiner (``پرسش‌ها``) also without it (``پرسشها``).
    """
    if word.isascii():
        return ()
    plain = _strip_latin_marks(word).translate(_TYPED_AS)
    forms = [plain]
    if _ARABIC_SCRIPT.search(plain):
        bare = _ARABIC_MARKS.sub("", plain)
        forms = [bare.translate(_TO_ARABIC), bare.translate(_TO_PERSIAN)]
        forms += [form.translate(_TO_HEH) for form in forms]
        forms += [form.replace(ZWNJ, "") for form in forms if ZWNJ in form]
    return tuple(dict.fromkeys(f for f in forms if f != word))


def _strip_latin_marks(word: str) -> str:
    """``word`` without the combining marks on its Latin letters (``č`` -> ``c``); marks on
    other letters (Cyrillic ``й``) stay."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _splitter(separator: str) -> re.Pattern:
    """Material's word separator (a JavaScript pattern) in Python, whitespace when Python
    cannot read it; lunr splits the variants again with the real one."""
    try:
        return re.compile(f"(?:{separator})|\\s+")
    except re.error:
        return re.compile(r"\s+")
