"""Whether a word is a real word of a language, for typo correction: a word the knowledge base
does not have may still be right ("sync" is English even where no article says it), and
"did you mean" must never rewrite it.

The word lists are wordfreq's (frequencies of words across large corpora, 40 languages,
Slovenian, Persian and Arabic included). Reading one of its lists costs about 0.2 s, too much
for each ``kb search`` with a typo, so the words common enough to count
(:data:`REAL_WORD_ZIPF`) are kept as a set in the KB's state folder, read in milliseconds.
"""

from __future__ import annotations

import contextlib
import pickle
import threading
from pathlib import Path

from kbtools import atomic

REAL_WORD_ZIPF = 3.0
"""A word at least this frequent (Zipf scale: 3 is once per million words) is a real word.
Common misspellings stay below it ("recieve" 2.75, "acount" 1.8), real rare-ish words are
above ("sync" 3.9, "payroll" 3.4)."""
_FREQUENCY = 10 ** (REAL_WORD_ZIPF - 9)
_FORMAT = 1


class Lexicon:
    """The common words of each language, cached as a set under ``cache_dir`` (None: memory
    only)."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._words: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def is_word(self, lang: str, word: str) -> bool:
        """True if ``word`` (lower case) is a common enough word of ``lang`` never to be
        corrected; False for a language wordfreq does not have."""
        return word.lower() in self.words(lang.split("-")[0])

    def words(self, lang: str) -> frozenset[str]:
        found = self._words.get(lang)
        if found is None:
            with self._lock:
                found = self._words.get(lang)
                if found is None:
                    found = self._words[lang] = self._load(lang)
        return found

    def _load(self, lang: str) -> frozenset[str]:
        version = _wordfreq_version()
        file = (self.cache_dir / f"lexicon-{lang}-{version}-{_FORMAT}.pickle"
                if self.cache_dir is not None and version else None)
        if file is not None:
            with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError):
                words = pickle.loads(file.read_bytes())
                if isinstance(words, frozenset):
                    return words
        words = _common_words(lang)
        if file is not None:
            with contextlib.suppress(OSError):  # a cache: a read-only state folder is fine
                atomic.write_bytes(file, pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL))
        return words


def _wordfreq_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wordfreq")
    except PackageNotFoundError:  # pragma: no cover - a declared dependency
        return None


def _common_words(lang: str) -> frozenset[str]:
    from wordfreq import available_languages, get_frequency_dict

    if lang not in available_languages():
        return frozenset()
    return frozenset(word for word, frequency in get_frequency_dict(lang).items()
                     if frequency >= _FREQUENCY)
