"""Whether a word is a real word of a language, for typo correction: a word the knowledge base
does not have may still be right ("sync" is English even where no article says it), and
"did you mean" must never rewrite it.

The word lists are wordfreq's (frequencies of words across large corpora, 40 languages,
Slovenian, Persian and Arabic included); they are read on the first question, which only a
query with an unknown word asks.
"""

from __future__ import annotations

from functools import cache

REAL_WORD_ZIPF = 3.0
"""A word at least this frequent (Zipf scale: 3 is once per million words) is a real word.
Common misspellings stay below it ("recieve" 2.75, "acount" 1.8), real rare-ish words are
above ("sync" 3.9, "payroll" 3.4)."""


@cache
def _frequency():
    try:
        from wordfreq import available_languages, zipf_frequency
    except ImportError:  # pragma: no cover - a declared dependency
        return None, frozenset()
    return zipf_frequency, frozenset(available_languages())


@cache
def is_word(lang: str, word: str) -> bool:
    """True if ``word`` is a common enough word of ``lang`` to never be corrected."""
    frequency, languages = _frequency()
    base = lang.split("-")[0]
    if frequency is None or base not in languages:
        return False
    return frequency(word, base) >= REAL_WORD_ZIPF
