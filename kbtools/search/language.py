"""Which language a query is written in, from its script and from whose vocabulary its words
belong to.

Agents do not say which language they type in, and short words are shared: "do" and "to" are
English and Slovenian, "Brightloop Pay" is in every translation. A query is read as:

1. the script of its letters: a Latin product name or error code inside Arabic, Persian or
   Russian text does not make it a Latin query (Latin counts only when no other script does);
2. among the scope's languages written in that script, the one the most words belong to: a
   word belongs to a language when it is one of its stop words or when an article in scope has
   it (after that language's analysis: Slovenian folds č/š/ž, Persian maps Arabic yeh and
   kaf to its own, so "placilo" and Persian typed with Arabic letters are recognised). A
   longer matching term is stronger evidence than a short one (an Arabic stemmer cuts
   Persian "لينك" to a three-letter stem that Arabic also has); Persian's own letters
   (پ چ ژ گ) count for Persian. Ties go to the earlier language in the KB's list (the source
   language first).

When no word belongs to any language (all typos or codes), every language of the script is
searched and the reading is unknown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kbtools.search.analysis import is_stopword, script_of_language, script_of_word, terms

PERSIAN_LETTERS = frozenset("پچژگ")


@dataclass(frozen=True)
class Reading:
    """How a query is read: ``languages`` to search (best first) and the one it was read as
    (None when it could not be told)."""

    languages: tuple[str, ...]
    language: str | None


def script_of_query(words: tuple[str, ...]) -> str | None:
    """The script most of the query's non-Latin letters are in, else Latin; None for no
    letters at all."""
    letters: Counter[str] = Counter()
    for word in words:
        script = script_of_word(word)
        if script != "other":
            letters[script] += sum(1 for c in word if c.isalpha())
    if not letters:
        return None
    foreign = [(count, script) for script, count in letters.items() if script != "latn"]
    return max(foreign)[1] if foreign else "latn"


def read(words: tuple[str, ...], languages: tuple[str, ...], known) -> Reading:
    """Read ``words`` (surface forms) among ``languages``. ``known(lang, term)`` says whether an
    article in scope has the analysed ``term`` in ``lang``."""
    if len(languages) == 1:
        return Reading(languages, languages[0])
    script = script_of_query(words)
    same = tuple(lang for lang in languages if script_of_language(lang) == script)
    candidates = same or languages
    if len(candidates) == 1:
        return Reading(candidates, candidates[0])
    scores = {lang: _evidence(words, lang, known) for lang in candidates}
    best = max(scores.values())
    if best <= 0:
        return Reading(candidates, None)
    winner = next(lang for lang in candidates if scores[lang] == best)
    return Reading((winner,) + tuple(lang for lang in candidates if lang != winner), winner)


def _evidence(words: tuple[str, ...], lang: str, known) -> float:
    score = 0.0
    lang_script = script_of_language(lang)
    for word in words:
        if len(word) < 2 or word.isdigit():
            continue
        if script_of_word(word) != lang_script:
            continue  # a product name or code in another script says nothing
        if lang == "fa" and not PERSIAN_LETTERS.isdisjoint(word):
            score += 1.0
        if is_stopword(lang, word):
            score += 1.0
            continue
        matched = [term for term in terms(lang, word) if known(lang, term)]
        if matched:
            score += 1.0 - 1.0 / (1 + max(len(term) for term in matched))
    return score
