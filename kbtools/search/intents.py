"""Kind intent: words in a query that ask for a kind of article.

"reply template for a refund" wants the answer script, "refunds failing for many customers at
3am" the playbook, though both share their topic words with the FAQ. Each kind names its
intent words (``Kind.intents``, to which ``search_intents`` in ``kb.yml`` adds, e.g. in the
KB's other languages); when
a query has one, that kind's articles score :data:`INTENT_BOOST` times as much. The words stay
in the query: "night" is also in the night-outage playbook's title.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from kbtools.search.analysis import surface_words

if TYPE_CHECKING:
    from kbtools.content.config import Config
    from kbtools.content.kinds import Registry

INTENT_BOOST = 1.3
"""Chosen on ``bench/relevance.py``."""


@dataclass(frozen=True)
class Intents:
    """Intent phrases as surface-word tuples, each with the kinds it asks for."""

    phrases: Mapping[tuple[str, ...], frozenset[str]] = field(default_factory=dict)
    boost: float = INTENT_BOOST

    @cached_property
    def longest(self) -> int:
        """Words in the longest phrase (computed once, asked on every query)."""
        return max((len(p) for p in self.phrases), default=0)

    def kinds_in(self, words: tuple[str, ...]) -> frozenset[str]:
        """The kinds whose intent phrases occur in ``words`` (a kind asked for by two
        phrases of different kinds counts once)."""
        found: set[str] = set()
        longest = self.longest
        for start in range(len(words)):
            for size in range(1, min(longest, len(words) - start) + 1):
                kinds = self.phrases.get(words[start:start + size])
                if kinds:
                    found |= kinds
        return frozenset(found)

    def factors(self, words: tuple[str, ...]) -> dict[str, float]:
        """``{kind: factor}`` for the kinds ``words`` ask for."""
        return {kind: self.boost for kind in self.kinds_in(words)}


def intents_for(config: Config, registry: Registry) -> Intents:
    """The intents of ``registry``'s kinds, with those ``config`` (kb.yml) adds."""
    phrases: dict[tuple[str, ...], set[str]] = {}
    for name in registry.names:
        for phrase in (*registry[name].intents, *config.search_intents.get(name, ())):
            words = surface_words(phrase)
            if words:
                phrases.setdefault(words, set()).add(name)
    return Intents({words: frozenset(kinds) for words, kinds in phrases.items()}, INTENT_BOOST)
