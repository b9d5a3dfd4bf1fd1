"""From what an agent typed to a Whoosh query: words, phrases, synonyms, typo corrections.

User text is never given to a query parser: field syntax (``audience:internal``), operators,
wildcards and parentheses are plain words or punctuation here, so a query can neither widen
its scope nor become expensive. Quoted text is a phrase (an unbalanced quote is ignored).
Scope (language, kinds, public) is applied as a filter the text cannot touch.

A query is a set of *concepts* (a word, a quoted phrase, or a synonym group found anywhere in
the text, "money back" inside a sentence included). Each concept scores a document by its best
alternative (``DisjunctionMax``: an article that says "refund" and "money back" is not twice
as relevant), and the concepts' scores add up, so an article with more of the concepts ranks
higher. Concepts that most articles have only add to articles that match a rarer one.

Typo correction is for words no article in scope has, that are no stop word and no common
word of any of the KB's languages (:mod:`.lexicon`), and only into the language the query is
read in: "into" is never "corrected" to Slovenian "isto".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from whoosh.query import And, AndMaybe, DisjunctionMax, Or, Phrase, Term
from whoosh.support.levenshtein import distance

from kbtools.errors import UsageError
from kbtools.search.analysis import (
    is_stopword,
    script_of_language,
    script_of_word,
    surface_words,
    terms,
)
from kbtools.search.lexicon import Lexicon
from kbtools.search.schema import phrase_field, text_field
from kbtools.search.synonyms import Synonyms

MAX_QUERY_CHARS = 500
MAX_UNITS = 16
MAX_CORRECTIONS = 2
CORRECTION_BOOST = 0.7
SYNONYM_BOOST = 0.8
PHRASE_BOOST = 1.5
"""A quoted phrase found as a phrase in a title or heading, against its words anywhere."""

_QUOTED = re.compile(r'"([^"]*)"')


class QueryError(UsageError):
    """The query text cannot be searched as it is (too long); the message says why."""


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing the agent asked for: alternative word sequences, the first as typed."""

    alternatives: tuple[tuple[str, ...], ...]
    boosts: tuple[float, ...]
    phrase: bool = False
    corrected: bool = False
    stems: dict[str, str] | None = None
    """For a correction: the corrected term per language, used as is (already stemmed)."""


@dataclass(frozen=True)
class Parsed:
    concepts: tuple[Concept, ...]
    suggestion: str | None
    words: tuple[str, ...] = ()
    """The query as the suggestion spells it, corrected words in place."""
    corrections: tuple[tuple[int, str, str, str], ...] = ()
    """``(position in words, typed word, lang, corrected stem)`` per corrected word."""

    def respelled(self, surface_of) -> str | None:
        """The suggestion with each corrected word spelled as the articles spell it:
        ``surface_of(lang, stem, typed)`` returns a word from the results, or None."""
        if not self.corrections:
            return None
        words = list(self.words)
        for position, typed, lang, stem in self.corrections:
            found = surface_of(lang, stem, typed)
            if found:
                words[position] = found.lower() if typed.islower() else found
        return " ".join(words)

    @property
    def empty(self) -> bool:
        return not self.concepts


def clean(text: str) -> str:
    """Remove control and format characters (ZWNJ kept); raise QueryError when too long."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    kept = [c if unicodedata.category(c) not in ("Cc", "Cf") or c == "\u200c" else " "
            for c in text]
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


Units = list[tuple[tuple[str, ...], bool]]


def split_units(text: str) -> Units:
    """``(words, quoted)`` pieces of the cleaned text, in order."""
    units: Units = []
    position = 0
    for match in _QUOTED.finditer(text):
        units.extend(((w,), False) for w in surface_words(text[position:match.start()]))
        words = surface_words(match.group(1))
        if len(words) > 1:
            units.append((words, True))
        elif words:
            units.append((words, False))
        position = match.end()
    units.extend(((w,), False) for w in surface_words(text[position:].replace('"', " ")))
    return units[:MAX_UNITS]


def words_of(units: Units) -> tuple[str, ...]:
    return tuple(word for words, _ in units for word in words)


def parse(units: Units, synonyms: Synonyms, vocabulary: Vocabulary,
          languages: tuple[str, ...]) -> Parsed:
    """Concepts for ``units`` read in ``languages``: synonym groups expanded wherever they
    occur, unknown words corrected within those languages."""
    concepts: list[Concept] = []
    suggestion_words: list[str] = []
    fixes: list[tuple[int, str, str, str]] = []
    corrections = 0
    i = 0
    while i < len(units):
        words, quoted = units[i]
        if quoted:
            concepts.append(Concept((words,), (1.0,), phrase=True))
            suggestion_words.append('"' + " ".join(words) + '"')
            i += 1
            continue
        span, entry = _synonym_at(units, i, synonyms)
        if entry:
            alts = synonyms.alternatives(entry)
            concepts.append(Concept(alts, (1.0,) + (SYNONYM_BOOST,) * (len(alts) - 1)))
            suggestion_words.extend(entry)
            i += span
            continue
        word = words[0]
        fix = None
        if corrections < MAX_CORRECTIONS and not vocabulary.known(word):
            fix = vocabulary.correct(word, languages)
        if fix:
            corrections += 1
            lang, stem = fix
            spelled = respell(word, lang, stem)
            alts: tuple[tuple[str, ...], ...] = ((word,),)
            boosts: tuple[float, ...] = (1.0,)
            for alt in synonyms.alternatives((spelled,))[1:]:
                alts += (alt,)
                boosts += (CORRECTION_BOOST * SYNONYM_BOOST,)
            concepts.append(Concept(alts, boosts, corrected=True, stems={lang: stem}))
            fixes.append((len(suggestion_words), word, lang, stem))
            suggestion_words.append(spelled)
        else:
            concepts.append(Concept((words,), (1.0,)))
            suggestion_words.append(word)
        i += 1
    suggestion = " ".join(suggestion_words) if corrections else None
    return Parsed(tuple(concepts), suggestion, tuple(suggestion_words), tuple(fixes))


def _synonym_at(units: Units, start: int, synonyms: Synonyms
                ) -> tuple[int, tuple[str, ...] | None]:
    for size in range(min(synonyms.longest, len(units) - start), 0, -1):
        window = units[start:start + size]
        if any(quoted for _, quoted in window):
            continue
        entry = tuple(words[0] for words, _ in window)
        if entry in synonyms.groups_of:
            return size, entry
    return 0, None


class Vocabulary:
    """The terms the index knows in one scope: for language reading, typo correction and
    leaving out terms nothing in scope has.

    In the public scope a term counts only if a public article has it, so neither a
    correction nor the choice of language can reveal an internal word.
    """

    def __init__(self, reader, languages: tuple[str, ...], public: bool,
                 lexicon: Lexicon | None = None) -> None:
        self.reader = reader
        self.languages = languages
        self.lexicon = lexicon if lexicon is not None else Lexicon()
        self.public_docs: frozenset[int] | None = None
        self._corrections: dict[tuple[str, tuple[str, ...]], tuple[str, str] | None] = {}
        self._frequencies: dict[tuple[str, str], int] = {}
        if public:
            self.public_docs = frozenset(reader.postings("audience", "public").all_ids()) \
                if reader.doc_frequency("audience", "public") else frozenset()

    @property
    def doc_count(self) -> int:
        """Articles in scope (public ones only in the public scope)."""
        if self.public_docs is None:
            return self.reader.doc_count()
        return len(self.public_docs)

    def frequency(self, fieldname: str, term: str) -> int:
        """Articles in scope with ``term`` (0 when only deleted or out-of-scope ones have it;
        Whoosh's own document frequency still counts documents deleted by an update)."""
        key = (fieldname, term)
        found = self._frequencies.get(key)
        if found is None:
            if len(self._frequencies) > 200_000:
                self._frequencies.clear()
            found = self._frequencies[key] = self._frequency(fieldname, term)
        return found

    def _frequency(self, fieldname: str, term: str) -> int:
        if (fieldname, term) not in self.reader:
            return 0
        count = self.reader.doc_frequency(fieldname, term)
        if not count:
            return 0
        if self.public_docs is None and not self.reader.has_deletions():
            return count
        ids = self.reader.postings(fieldname, term).all_ids()  # skips deleted documents
        if self.public_docs is None:
            return sum(1 for _ in ids)
        return sum(1 for doc in ids if doc in self.public_docs)

    def has(self, lang: str, term: str) -> bool:
        """True if an article in scope has the analysed ``term`` in ``lang``."""
        return self.frequency(text_field(lang), term) > 0

    def known(self, word: str) -> bool:
        """True unless ``word`` may be a typo: long enough, no digits, no stop word, and no
        article in scope has it in any language."""
        if len(word) < 4 or any(c.isdigit() for c in word):
            return True
        for lang in self.languages:
            if is_stopword(lang, word):
                return True
            stems = terms(lang, word)
            if stems and self.has(lang, stems[0]):
                return True
        return False

    def correct(self, word: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
        """``(lang, stem)`` of the likeliest intended word among ``languages`` (fewest edits,
        most articles); None for a real word of any of the KB's languages."""
        key = (word, languages)
        if key in self._corrections:
            return self._corrections[key]
        if len(self._corrections) > 10_000:
            self._corrections.clear()
        found = self._corrections[key] = self._correct(word, languages)
        return found

    def _correct(self, word: str, languages: tuple[str, ...]) -> tuple[str, str] | None:
        script = script_of_word(word)
        if any(self.lexicon.is_word(lang, word) for lang in self.languages
               if script_of_language(lang) == script):
            return None
        best: tuple[int, int, str, str] | None = None
        for lang in languages:
            if script_of_language(lang) != script:
                continue
            stem = next(iter(terms(lang, word)), None)
            if stem is None:
                continue
            maxdist = 1 if len(stem) <= 4 else 2  # the automaton counts a swap as two edits
            fieldname = text_field(lang)
            for candidate in self.reader.terms_within(fieldname, stem, maxdist, prefix=1):
                frequency = self.frequency(fieldname, candidate)
                if not frequency:
                    continue
                score = (distance(candidate, stem), -frequency, candidate, lang)
                if best is None or score < best:
                    best = score
        return (best[3], best[2]) if best else None


def respell(word: str, lang: str, stem: str) -> str:
    """``word`` with its stem replaced by ``stem``: ``chargebaks`` -> ``chargebacks``."""
    own = terms(lang, word)
    if own and word.startswith(own[0]):
        return stem + word[len(own[0]):]
    return stem


COMMON_SHARE = 0.2
"""A concept found in more than this share of the articles only adds to the score of
articles that match a rarer concept (a common-terms query, as in Lucene): thousands of
articles that only say "customer" would otherwise follow the real answers as partial matches.
When no article in scope matches a rarer concept, the common ones count on their own."""


def build(parsed: Parsed, languages: tuple[str, ...], vocabulary: Vocabulary) -> list:
    """One Whoosh query per concept of ``parsed``, over the fields of ``languages`` (concepts
    nothing in scope can match are left out).

    Terms no article in scope has are left out too, so the queries stay small however many
    languages and synonyms they span, and in the public scope which words count is decided
    by public articles alone.
    """
    clauses = []
    for concept in parsed.concepts:
        options = []
        for words, boost in zip(concept.alternatives, concept.boosts, strict=True):
            for lang in languages:
                option = _words_query(lang, words, boost, concept.phrase, vocabulary)
                if option is not None:
                    options.append(option)
        for lang, stem in (concept.stems or {}).items():
            if lang in languages and vocabulary.has(lang, stem):
                options.append(Term(text_field(lang), stem, boost=CORRECTION_BOOST))
        if options:
            clauses.append(DisjunctionMax(options) if len(options) > 1 else options[0])
    return clauses


def combine(clauses: list, matching: list[int], scope_size: int) -> tuple:
    """The queries to rank with, best first: the first that matches anything in scope is
    used. ``matching[i]`` is how many articles in scope ``clauses[i]`` matches, out of
    ``scope_size``.

    A concept matched by more than :data:`COMMON_SHARE` of the scope only adds to the score
    of articles that match a rarer concept; when no article matches a rarer concept, every
    concept counts on its own.
    """
    if len(clauses) <= 1:
        return tuple(clauses)
    every = Or(clauses)
    limit = COMMON_SHARE * max(scope_size, 1)
    common = [c for c, n in zip(clauses, matching, strict=True) if n > limit]
    rare = [c for c, n in zip(clauses, matching, strict=True) if 0 < n <= limit]
    if not rare or not common:
        return (every,)
    required = Or(rare) if len(rare) > 1 else rare[0]
    return AndMaybe(required, Or(common) if len(common) > 1 else common[0]), every


def _words_query(lang: str, words: tuple[str, ...], boost: float, phrase: bool,
                 vocabulary: Vocabulary):
    analysed = terms(lang, " ".join(words))
    if not analysed or not all(vocabulary.has(lang, term) for term in analysed):
        return None
    field = text_field(lang)
    if len(analysed) == 1:
        return Term(field, analysed[0], boost=boost)
    together = And([Term(field, term) for term in analysed], boost=boost)
    if not phrase:
        return together
    return DisjunctionMax([together, Phrase(phrase_field(lang), analysed, slop=1,
                                            boost=boost * PHRASE_BOOST)])


def highlight_terms(parsed: Parsed, lang: str) -> frozenset[str]:
    """Stemmed terms of ``lang`` that a snippet should mark."""
    found: set[str] = set()
    for concept in parsed.concepts:
        for words in concept.alternatives:
            found.update(terms(lang, " ".join(words)))
        if concept.stems and lang in concept.stems:
            found.add(concept.stems[lang])
    return frozenset(found)
