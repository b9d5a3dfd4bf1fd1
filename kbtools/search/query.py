"""From what an agent typed to a Whoosh query: words, phrases, synonyms, typo corrections.

User text is never given to a query parser: field syntax (``audience:internal``), operators,
wildcards and parentheses are plain words or punctuation here, so a query can neither widen
its scope nor become expensive. Quoted text is a phrase (an unbalanced quote is ignored).
Scope (language, kinds, public) is applied as a filter the text cannot touch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from whoosh.query import And, AndMaybe, DefaultOr, Phrase, Term
from whoosh.support.levenshtein import distance

from kbtools.errors import UsageError
from kbtools.search.analysis import script_of_language, script_of_word, surface_words, terms
from kbtools.search.schema import BOOSTS, PHRASE_PARTS, TEXT_PARTS, field_name
from kbtools.search.synonyms import Synonyms

MAX_QUERY_CHARS = 500
MAX_UNITS = 16
MAX_CORRECTIONS = 2
CORRECTION_BOOST = 0.7
SYNONYM_BOOST = 0.8

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


def split_units(text: str) -> list[tuple[tuple[str, ...], bool]]:
    """``(words, quoted)`` pieces of the cleaned text, in order."""
    units: list[tuple[tuple[str, ...], bool]] = []
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


def parse(text: str, synonyms: Synonyms, vocabulary: Vocabulary) -> Parsed:
    """Concepts for ``text``: synonym groups expanded, unknown words corrected."""
    units = split_units(clean(text))
    concepts: list[Concept] = []
    suggestion_words: list[str] = []
    fixes: list[tuple[int, str, str, str]] = []
    corrections = 0
    i = 0
    while i < len(units):
        words, quoted = units[i]
        if not quoted:
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
                fix = vocabulary.correct(word)
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
        else:
            concepts.append(Concept((words,), (1.0,), phrase=True))
            suggestion_words.append('"' + " ".join(words) + '"')
        i += 1
    suggestion = " ".join(suggestion_words) if corrections else None
    return Parsed(tuple(concepts), suggestion, tuple(suggestion_words), tuple(fixes))


def _synonym_at(units, start: int, synonyms: Synonyms) -> tuple[int, tuple[str, ...] | None]:
    for size in range(min(synonyms.longest, len(units) - start), 0, -1):
        window = units[start:start + size]
        if any(quoted for _, quoted in window):
            continue
        entry = tuple(words[0] for words, _ in window)
        if entry in synonyms.groups_of:
            return size, entry
    return 0, None


class Vocabulary:
    """The stemmed words the index knows in one scope, for typo correction.

    The vocabulary is the title and body terms themselves. In the public scope a term counts
    only if a public article has it, so a correction can never reveal an internal word.
    """

    def __init__(self, reader, languages: tuple[str, ...], public: bool) -> None:
        self.reader = reader
        self.languages = languages
        self.public_docs: frozenset[int] | None = None
        self._corrections: dict[str, tuple[str, str] | None] = {}
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
        count = self.reader.doc_frequency(fieldname, term)
        if not count:
            return 0
        if self.public_docs is None and not self.reader.has_deletions():
            return count
        ids = self.reader.postings(fieldname, term).all_ids()  # skips deleted documents
        if self.public_docs is None:
            return count if next(iter(ids), None) is not None else 0
        return sum(1 for doc in ids if doc in self.public_docs)

    def _stems(self, word: str) -> list[tuple[str, str]]:
        script = script_of_word(word)
        return [(lang, stem) for lang in self.languages if script_of_language(lang) == script
                for stem in terms(lang, word)[:1]]

    def known(self, word: str) -> bool:
        """True unless ``word`` is long enough to be a typo and no article in scope has it."""
        if len(word) < 4 or any(c.isdigit() for c in word):
            return True
        stems = [(lang, stem) for lang in self.languages for stem in terms(lang, word)[:1]]
        if not stems:
            return True
        return any(self.frequency(field_name(part, lang), stem)
                   for lang, stem in stems for part in ("body", "title"))

    def correct(self, word: str) -> tuple[str, str] | None:
        """``(lang, stem)`` of the likeliest intended word (fewest edits, most articles)."""
        if word in self._corrections:
            return self._corrections[word]
        if len(self._corrections) > 10_000:
            self._corrections.clear()
        found = self._corrections[word] = self._correct(word)
        return found

    def _correct(self, word: str) -> tuple[str, str] | None:
        best: tuple[int, int, str, str] | None = None
        for lang, stem in self._stems(word):
            maxdist = 1 if len(stem) <= 4 else 2  # the automaton counts a swap as two edits
            fieldname = field_name("body", lang)
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


def build(parsed: Parsed, languages: tuple[str, ...], vocabulary: Vocabulary) -> tuple:
    """``(strict, loose)`` Whoosh queries for ``parsed`` over the fields of ``languages``.

    ``loose`` matches any concept (None if nothing can match); ``strict`` requires every
    concept, or is None when there is only one. Terms no article in scope has are left out,
    so the queries stay small however many languages and synonyms they span, and in the
    public scope which words count (and which are common) is decided by public articles
    alone: an internal word changes nothing a customer sees.
    """
    reader = vocabulary.reader

    def present(fieldname: str, term: str) -> bool:
        if (fieldname, term) not in reader:
            return False
        return vocabulary.public_docs is None or vocabulary.frequency(fieldname, term) > 0

    clauses = []
    for concept in parsed.concepts:
        options = []
        for words, boost in zip(concept.alternatives, concept.boosts, strict=True):
            for lang in languages_for(words, languages):
                options.extend(_fields_query(lang, words, boost, present))
        for lang, stem in (concept.stems or {}).items():
            if lang in languages:
                options.extend(_fields_query(lang, (), CORRECTION_BOOST, present, [stem]))
        if options:
            clauses.append(DefaultOr(options) if len(options) > 1 else options[0])
    if not clauses:
        return None, None
    if len(clauses) == 1:
        return None, clauses[0]
    return And(clauses), _loose(clauses, vocabulary)


COMMON_SHARE = 0.2
"""A concept found in more than this share of the articles only adds to the score of
articles that match a rarer concept (a common-terms query, as in Lucene): thousands of
articles that only say "customer" would otherwise follow the real answers as partial matches."""


def _loose(clauses: list, vocabulary: Vocabulary):
    limit = COMMON_SHARE * max(vocabulary.doc_count, 1)
    count = (vocabulary.reader.doc_frequency if vocabulary.public_docs is None
             else vocabulary.frequency)
    common, rare = [], []
    for clause in clauses:
        frequency = max((count(field, text) for field, text in clause.iter_all_terms()),
                        default=0)
        (common if frequency > limit else rare).append(clause)
    if not rare or not common:
        return DefaultOr(clauses)
    required = DefaultOr(rare) if len(rare) > 1 else rare[0]
    return AndMaybe(required, DefaultOr(common) if len(common) > 1 else common[0])


def languages_for(words: tuple[str, ...], languages: tuple[str, ...]) -> tuple[str, ...]:
    """The languages whose fields a word sequence is looked up in: those written in the
    words' script, or all of them when none is (a Latin product name in a Russian article is
    still found with ``--lang ru``, which passes one language)."""
    if len(languages) == 1 or not words:
        return languages
    script = script_of_word(words[0])
    same = tuple(lang for lang in languages if script_of_language(lang) == script)
    return same or languages


def _fields_query(lang: str, words: tuple[str, ...], boost: float, present,
                  analysed: list[str] | None = None) -> list:
    analysed = analysed if analysed is not None else terms(lang, " ".join(words))
    if not analysed:
        return []
    found = []
    for part in TEXT_PARTS:
        name = field_name(part, lang)
        if not all(present(name, term) for term in analysed):
            continue
        weight = BOOSTS[part] * boost
        if len(analysed) == 1:
            found.append(Term(name, analysed[0], boost=weight))
        elif part in PHRASE_PARTS:
            found.append(Phrase(name, analysed, slop=2, boost=weight))
        else:
            found.append(And([Term(name, t) for t in analysed], boost=weight))
    return found


def highlight_terms(parsed: Parsed, lang: str) -> frozenset[str]:
    """Stemmed terms of ``lang`` that a snippet should mark."""
    found: set[str] = set()
    for concept in parsed.concepts:
        for words in concept.alternatives:
            found.update(terms(lang, " ".join(words)))
        if concept.stems and lang in concept.stems:
            found.add(concept.stems[lang])
    return frozenset(found)
