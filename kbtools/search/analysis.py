"""Text analysis per language: how words become index terms.

Every language of the KB gets one analyzer, used both when indexing and when a query is
analysed, so the two always agree:

- English and Russian: Snowball stemming (PyStemmer), stop words; Russian folds ``ё`` to ``е``.
- Arabic: diacritics and tatweel removed, alef forms unified, then Whoosh's ISRI stemmer
  (it beat Snowball's Arabic stemmer on the benchmark).
- Persian: Arabic yeh/kaf/alef maksura become Persian yeh/kaf, diacritics go, and a word
  written with a zero-width non-joiner (``می‌خواهم``) is indexed joined (``میخواهم``) *and*
  as its parts (``می``, ``خواهم``), because people type all three; plural suffixes (``ها``,
  ``های``, ``هایی``) are stripped (as good as Snowball's Persian stemmer on the benchmark).
- Slovenian: the Lemmagen lemmatizer (``plačila`` -> ``plačilo``), then accents folded
  (``č`` -> ``c``, agents often type without them) and a light suffix stripper for the
  commonest case endings, so a word typed without accents still meets its lemma.
- Any other language: Snowball when PyStemmer has the language, else folding and lower case.

:data:`STEMMERS` records the choices; ``bench/relevance.py`` measures them.

The same analyzer reads a *weighted* value (:func:`weighted_text`): parts of a document
(title, summary, headings, body) each with a weight that becomes the boost of its tokens, so
that a field's term weights are ``sum(weight * frequency)`` over the parts: BM25F's weighted
term frequency, saturated once by the scorer.

The analyzer is pickled into the index schema by reference to
:class:`LanguageTokenizer`; ``ANALYSIS_VERSION`` changes whenever its behaviour does, which
forces a rebuild.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import Stemmer
from whoosh.analysis import Token, Tokenizer
from whoosh.lang import has_stemmer, has_stopwords, stemmer_for_language

ANALYSIS_VERSION = 6
TOKEN_PATTERN = r"[\w\u200c]+(?:['’.][\w\u200c]+)*"
ZWNJ = "\u200c"

_AR_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_FA_MAP = str.maketrans({
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above -> heh
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",  # alef forms -> alef
    "\u0624": "\u0648",  # waw with hamza -> waw
})
_AR_MAP = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627",
                         "\u0671": "\u0627", "\u06cc": "\u064a", "\u06a9": "\u0643"})
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
WEIGHT_MARK, WEIGHT_END = "\x1d", "\x1e"
"""A weighted part is ``WEIGHT_MARK weight WEIGHT_END text`` (control characters: never in a
query, which :func:`~kbtools.search.query.clean` strips of them)."""
_EN_CONTRACTIONS = {"cant": "cannot", "wont": "not", "dont": "not", "doesnt": "not",
                    "didnt": "not", "isnt": "not", "arent": "not", "wasnt": "not",
                    "werent": "not", "couldnt": "not", "shouldnt": "not", "wouldnt": "not",
                    "havent": "not", "hasnt": "not", "hadnt": "not"}
"""Negative contractions typed without the apostrophe keep their meaning ("wont open" is
"not open"); the positive ones are stop words anyway."""
_EXTRA_STOP = {
    "ar": ("في", "من", "على", "إلى", "الى", "عن", "مع", "هل", "كيف", "ما", "ماذا", "لماذا", "متى",
           "أين", "اين", "هذا", "هذه", "ذلك", "التي", "الذي", "أن", "إن", "ان", "لا", "لم", "لن",
           "قد", "كان", "هو", "هي", "أنا", "انا", "نحن", "هم", "أو", "او", "ثم", "عند", "كل",
           "بس", "يا", "و", "ف", "ب", "ل"),
    "fa": ("و", "در", "به", "از", "که", "را", "با", "این", "آن", "است", "برای", "یا", "تا",
           "می", "هم", "یک"),
    "sl": ("in", "je", "da", "se", "na", "za", "ki", "ali", "pa", "so", "to", "ter", "kot"),
}
_FA_SUFFIXES = ("هایی", "های", "ها")
_SL_SUFFIXES = tuple(sorted(
    ("ami", "ega", "emu", "ih", "im", "om", "em", "ov", "ev", "ja", "ju", "je", "jo",
     "a", "e", "i", "o", "u"), key=len, reverse=True))


def fold_accents(text: str) -> str:
    """``č`` -> ``c``, ``é`` -> ``e``: strip combining marks from Latin letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORD = re.compile(TOKEN_PATTERN)


def surface_words(text: str) -> tuple[str, ...]:
    """Language-neutral normal forms of the words in ``text``, for matching query words with
    synonym entries: lower case, no apostrophes or ZWNJ, Latin accents folded, Arabic-script
    letters in their Persian form (each language's analyzer maps them back as it needs)."""
    return tuple(w for w in (_surface(m.group()) for m in _WORD.finditer(text)) if w)


def _surface(word: str) -> str:
    word = unicodedata.normalize("NFKC", word).lower().translate(_DIGITS)
    word = word.replace("'", "").replace("’", "").replace(ZWNJ, "")
    if all(ord(c) < 0x250 for c in word):
        return fold_accents(word) if not word.isascii() else word
    if any("؀" <= c <= "ۿ" for c in word):
        return _AR_DIACRITICS.sub("", word).translate(_FA_MAP)
    return word


def normalize_word(word: str, lang: str) -> str:
    """The language's normal form of one lower-cased word (before stop words and stems)."""
    word = unicodedata.normalize("NFKC", word).lower().translate(_DIGITS)
    word = word.replace("'", "").replace("’", "")
    if lang in ("fa", "ar"):
        word = _AR_DIACRITICS.sub("", word)
        word = word.translate(_FA_MAP if lang == "fa" else _AR_MAP)
    elif lang == "ru":
        word = word.replace("ё", "е")
    elif word.isascii():
        pass
    else:
        word = fold_accents(word)
    if lang == "en":
        word = _EN_CONTRACTIONS.get(word, word)
    return word


def persian_stem(word: str) -> str:
    """Strip a Persian plural suffix when a stem of three letters or more remains."""
    for suffix in _FA_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def slovenian_stem(word: str) -> str:
    """Light Slovenian stemmer: strip one common case ending, keeping four letters or more."""
    for suffix in _SL_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


STEMMERS = {"en": "snowball", "ru": "snowball", "ar": "isri", "fa": "light", "sl": "lemmagen"}
"""The stemmer of each language, chosen on ``bench/relevance.py`` (``--analysis`` compares
the choices): ``snowball`` (the Snowball algorithm through PyStemmer, for any language it
has), ``isri`` (Whoosh's ISRI Arabic stemmer), ``light`` (this module's suffix strippers for
Persian and Slovenian), ``lemmagen`` (the Lemmagen lemmatizer, then the light stripper, for
Slovenian), ``none``. A language not listed gets Snowball when PyStemmer has it."""

_SNOWBALL_NAMES = {"en": "english", "ru": "russian", "ar": "arabic", "fa": "persian",
                   "sr": "serbian", "de": "german", "fr": "french", "es": "spanish",
                   "it": "italian", "pt": "portuguese", "nl": "dutch", "sv": "swedish",
                   "no": "norwegian", "da": "danish", "fi": "finnish", "hu": "hungarian",
                   "ro": "romanian", "tr": "turkish", "el": "greek", "pl": "polish",
                   "cs": "czech", "lt": "lithuanian", "ca": "catalan", "hi": "hindi",
                   "id": "indonesian", "ga": "irish", "ne": "nepali", "ta": "tamil"}


def stemmer_choice(lang: str) -> str:
    """The stemmer ``lang`` uses (see :data:`STEMMERS`)."""
    base = lang.split("-")[0]
    if base in STEMMERS:
        return STEMMERS[base]
    return "snowball" if base in _SNOWBALL_NAMES else "none"


def analysis_key(languages) -> str:
    """What the analysis of ``languages`` depends on besides the code (the stemmer choices)."""
    return ",".join(f"{lang}={stemmer_choice(lang)}" for lang in languages)


class LanguageTokenizer(Tokenizer):
    """The whole analysis of one language in a single pass (it is the field's analyzer).

    Each word found by :data:`TOKEN_PATTERN` is normalised (:func:`normalize_word`), split at
    a Persian ZWNJ, dropped when a stop word or shorter than two letters, and stemmed. Results
    are cached per surface word, which is what makes indexing fast: support text repeats its
    words. With ``stem=False`` (used for did-you-mean) no stop words or stems apply.
    """

    def __init__(self, lang: str, stem: bool = True) -> None:
        self.lang = lang
        self.stem = stem
        self._cache: dict[str, tuple[str, ...]] = {}

    def __eq__(self, other) -> bool:
        return (type(other) is type(self) and other.lang == self.lang
                and other.stem == self.stem)

    def __hash__(self) -> int:
        return hash((self.lang, self.stem))

    def __getstate__(self) -> dict:
        return {"lang": self.lang, "stem": self.stem}

    def __setstate__(self, state: dict) -> None:
        self.lang, self.stem = state["lang"], state["stem"]
        self._cache = {}

    def forms(self, word: str) -> tuple[str, ...]:
        """The index terms one surface word becomes (possibly none)."""
        found = self._cache.get(word)
        if found is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            found = self._cache[word] = _forms(self.lang, self.stem, word)
        return found

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        forms = self.forms
        for offset, boost, text in _parts(value):
            for match in _WORD.finditer(text):
                for form in forms(match.group()):
                    token.text = form
                    token.boost = boost
                    token.stopped = False
                    if keeporiginal:
                        token.original = match.group()
                    if positions:
                        token.pos = pos
                    if chars:
                        token.startchar = start_char + offset + match.start()
                        token.endchar = start_char + offset + match.end()
                    yield token
                    pos += 1


def weighted_text(parts) -> str:
    """One field value made of ``(weight, text)`` parts (see the module docstring)."""
    return "".join(f"{WEIGHT_MARK}{weight:g}{WEIGHT_END}{text}\n" for weight, text in parts
                   if text)


def _parts(value: str):
    """``(offset, boost, text)`` of each weighted part of ``value`` (one part of boost 1 for
    plain text)."""
    if WEIGHT_MARK not in value:
        yield 0, 1.0, value
        return
    position = value.find(WEIGHT_MARK)
    if position > 0:
        yield 0, 1.0, value[:position]
    while position != -1:
        end = value.find(WEIGHT_END, position)
        following = value.find(WEIGHT_MARK, position + 1)
        if end == -1 or (following != -1 and end > following):
            break
        try:
            boost = float(value[position + 1:end])
        except ValueError:
            boost = 1.0
        stop = following if following != -1 else len(value)
        yield end + 1, boost, value[end + 1:stop]
        position = following


_CACHE_LIMIT = 500_000


def _forms(lang: str, stem: bool, word: str) -> tuple[str, ...]:
    if stem and stemmer_choice(lang) == "lemmagen":
        word = _lemmatizer(lang.split("-")[0])(word.lower())
    text = normalize_word(word, lang)
    parts = [p for p in text.split(ZWNJ) if p] if ZWNJ in text else [text]
    candidates = ["".join(parts)] + (parts if lang == "fa" and len(parts) > 1 else [])
    if not stem:
        return tuple(c for c in candidates if 3 <= len(c) <= 40)
    stoplist, stemmer = _stoplist(lang), _stemmer(lang)
    out = []
    for candidate in candidates:
        if len(candidate) < 2 or len(candidate) > 60 or candidate in stoplist:
            continue
        out.append(stemmer(candidate) if stemmer else candidate)
    return tuple(out)


@cache
def analyzer(lang: str, *, stem: bool = True) -> LanguageTokenizer:
    """The analyzer for ``lang`` (see :class:`LanguageTokenizer`)."""
    return LanguageTokenizer(lang, stem)


def is_stopword(lang: str, word: str) -> bool:
    """True if ``word`` (as typed) is one of ``lang``'s stop words."""
    return normalize_word(word, lang) in _stoplist(lang)


def _stemmer(lang: str):
    return _make_stemmer(lang.split("-")[0], stemmer_choice(lang))


@cache
def _make_stemmer(lang: str, choice: str):
    if choice == "snowball" and lang in _SNOWBALL_NAMES:
        return Stemmer.Stemmer(_SNOWBALL_NAMES[lang]).stemWord
    if choice == "isri" and has_stemmer(lang):
        return stemmer_for_language(lang)
    if choice == "light" and lang == "fa":
        return persian_stem
    if choice == "light" and lang == "sl":
        return slovenian_stem
    if choice == "lemmagen":  # the word was lemmatised before normalising (see _forms)
        return slovenian_stem if lang == "sl" else None
    return None


@cache
def _lemmatizer(lang: str):
    from lemmagen3 import Lemmatizer

    return Lemmatizer(lang).lemmatize


@cache
def _stoplist(lang: str) -> frozenset[str]:
    words: set[str] = set(_EXTRA_STOP.get(lang, ()))
    if has_stopwords(lang):
        from whoosh.lang import stopwords_for_language

        words |= set(stopwords_for_language(lang))
    if lang == "en":
        # "not" and "cannot" carry meaning in support queries ("cannot log in").
        words = set(words) - {"not", "no"}
    return frozenset(normalize_word(w, lang) for w in words)


_SCRIPTS = {"ru": "cyrl", "uk": "cyrl", "bg": "cyrl", "mk": "cyrl", "be": "cyrl", "kk": "cyrl",
            "ar": "arab", "fa": "arab", "ur": "arab", "ps": "arab", "he": "hebr", "el": "grek",
            "zh": "hani", "ja": "hani", "ko": "hang", "th": "thai", "hi": "deva", "mr": "deva",
            "ne": "deva", "bn": "beng", "ta": "taml", "ka": "geor", "hy": "armn"}


def script_of_language(lang: str) -> str:
    """The writing system of ``lang`` (Latin unless known otherwise)."""
    return _SCRIPTS.get(lang.split("-")[0], "latn")


def script_of_word(word: str) -> str:
    """The writing system of ``word``, judged by its first letter."""
    for char in word:
        if char.isalpha():
            try:
                name = unicodedata.name(char)
            except ValueError:
                return "other"
            for prefix, script in (("LATIN", "latn"), ("CYRILLIC", "cyrl"), ("ARABIC", "arab"),
                                   ("HEBREW", "hebr"), ("GREEK", "grek"), ("CJK", "hani"),
                                   ("HIRAGANA", "hani"), ("KATAKANA", "hani"),
                                   ("HANGUL", "hang"), ("THAI", "thai"), ("DEVANAGARI", "deva"),
                                   ("BENGALI", "beng"), ("TAMIL", "taml"), ("GEORGIAN", "geor"),
                                   ("ARMENIAN", "armn")):
                if name.startswith(prefix):
                    return script
            return "other"
    return "other"


def terms(lang: str, text: str, *, stem: bool = True) -> list[str]:
    """Index terms of ``text`` in ``lang`` (order kept, duplicates kept)."""
    forms = analyzer(lang, stem=stem).forms
    return [form for match in _WORD.finditer(text) for form in forms(match.group())]
