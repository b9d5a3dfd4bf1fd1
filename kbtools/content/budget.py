"""What rendering one page of macros may cost (:class:`Limits`), what it has spent
(:class:`Budget`, one per page: :func:`budget`), and the measures taken *before* an operation
that could make a large value in one go (``*``, ``**``, ``%``, ``format``, ``join``,
``replace``, padding, ``indent``, ``wordwrap``, ``batch``, ``slice``, ``sum``): C code cannot
be stopped half-way, so such an operation is refused before it runs.

The sandbox (:mod:`kbtools.content.sandbox`) calls these from its operators, calls and filters.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from string import Formatter


@dataclass(frozen=True)
class Limits:
    """What rendering one page may cost: far above what a support article needs (the pages
    of the example knowledge base print facts, in no steps and under 10,000 characters)."""

    max_steps: int = 100_000
    """Loop iterations plus calls of macros, functions and methods."""
    seconds: float = 2.0
    """Wall-clock time; a backstop behind the steps, which are the same on every machine."""
    max_chars: int = 1_000_000
    """Characters of the page's output, of any value made, printed or joined, and of the text
    a macro or ``{% set %}`` block writes."""
    max_int_bits: int = 16_384
    """Size of a number made by ``*`` or ``**`` (about 4,900 digits)."""


class LimitExceeded(Exception):
    """A page broke one of its :class:`Limits`; the message says which and how to fix it.

    Not a ``ValueError``: Jinja's filters catch those and carry on with a default.
    """


class Budget:
    """The steps and time left to the page being rendered."""

    __slots__ = ("limits", "steps", "deadline")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = 0
        self.deadline = time.monotonic() + limits.seconds

    def step(self) -> None:
        """Count one loop iteration or call; raises :class:`LimitExceeded` past a bound."""
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise LimitExceeded(f"more than {self.limits.max_steps:,} loop iterations and "
                                "calls; look for a loop over a large range or a macro that "
                                "calls itself")
        self.tick()

    def tick(self) -> None:
        """Raises :class:`LimitExceeded` once the page's time is up."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"rendering took more than {self.limits.seconds:g} s")

    def fits(self, size: int, what: str) -> None:
        """Raises :class:`LimitExceeded` when ``what`` would have ``size`` characters too many."""
        if size > self.limits.max_chars:
            raise LimitExceeded(f"{what} would be over {self.limits.max_chars:,} characters")


_CURRENT: ContextVar[Budget | None] = ContextVar("kb_macro_budget", default=None)


@contextmanager
def budget(limits: Limits) -> Iterator[Budget]:
    """Render within a fresh budget of ``limits`` (per thread and task)."""
    token = _CURRENT.set(Budget(limits))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def current() -> Budget:
    return _CURRENT.get() or Budget(Limits())


def chars(value: object, limit: int) -> int:
    """About how many characters ``str(value)`` has, counting no further than past ``limit``
    (a list holding one long string a thousand times is a thousand times as long)."""
    total, pending = 0, [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            if total <= limit:
                pending.extend(item.keys())
                pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            if total <= limit:
                pending.extend(item)
        else:  # numbers, ranges, macros, namespaces: short when printed
            total += 24
    return total


# -- operators, calls and filters that could make a large value in one go ------------------

def repeat(budget: Budget, left, right) -> None:
    """``*``: a string or list times a number, or a number times a number."""
    if isinstance(left, int) and not isinstance(right, int):
        left, right = right, left
    if isinstance(left, int) and isinstance(right, int):
        if abs(left).bit_length() + abs(right).bit_length() > budget.limits.max_int_bits:
            raise LimitExceeded(f"a number would have more than {budget.limits.max_int_bits:,} bits")
    elif isinstance(right, int) and isinstance(left, (str, list, tuple)):
        budget.fits(chars(left, budget.limits.max_chars) * max(right, 0), "a repeated value")


def power(budget: Budget, base, exponent) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if abs(base).bit_length() * exponent > budget.limits.max_int_bits:
            raise LimitExceeded(f"a number would have more than {budget.limits.max_int_bits:,} bits")


_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def percent(budget: Budget, template, args) -> None:
    """``'%-10s' % value`` and the ``format`` filter: each field at most as long as the
    longest argument, plus the widths it asks for."""
    if not isinstance(template, str):
        return
    values = list(args) if isinstance(args, tuple) else [args]  # a mapping: all of it
    fields = _PERCENT_FIELD.findall(template)
    _fields_fit(budget, template, values, [w for pair in fields for w in pair], len(fields))


def format_fits(budget: Budget, template: str, args, kwargs) -> None:
    """``'{:>10}'.format(value)``, as :func:`percent`."""
    widths, count = [], 0
    try:
        for _, field_name, spec, _ in Formatter().parse(template):
            if field_name is not None:
                count += 1
                widths.extend(re.findall(r"\d+", spec or ""))
                widths.extend("*" for _ in range((spec or "").count("{")))
    except ValueError:
        return  # the call itself reports the bad format
    _fields_fit(budget, template, [*args, *kwargs.values()], widths, count)


def _fields_fit(budget: Budget, template: str, values: list, widths: list, fields: int) -> None:
    limit = budget.limits.max_chars
    longest = max((chars(v, limit) for v in values), default=0)
    numbers = [abs(v) for v in values if isinstance(v, int) and not isinstance(v, bool)]
    size = len(template) + fields * longest
    for width in widths:
        if width == "*":
            size += max(numbers, default=0)
        elif width:
            size += int(width) if len(width) < 12 else limit + 1
    budget.fits(size, "a formatted string")


def _joined(budget: Budget, items, separator) -> list:
    """``join``: every item, plus the separator between them. Returns the items as a list
    (a generator given to ``join`` is read here, once)."""
    items = list(items)
    size = len(str(separator)) * max(len(items) - 1, 0)
    budget.fits(size, "a joined string")
    for item in items:
        size += chars(item, budget.limits.max_chars)
        budget.fits(size, "a joined string")
    return items


def _replaced(budget: Budget, text, old, new, count=None) -> None:
    if not isinstance(text, str):
        return
    old, new = str(old), str(new)
    found = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        found = min(found, count)
    budget.fits(len(text) + found * max(len(new) - len(old), 0), "a replaced string")


def _width(budget: Budget, width) -> None:
    if isinstance(width, int):
        budget.fits(width, "a padded string")


def _count(budget: Budget, count) -> None:
    if isinstance(count, int):
        budget.fits(count, "a list")


def _check_join(budget, a):
    a["value"] = _joined(budget, a["value"], a["d"])


def _check_indent(budget, a):
    text, width = a["s"], a["width"]
    pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    if isinstance(text, str):
        budget.fits(len(text) + pad * (text.count("\n") + 1), "an indented string")


def _check_wordwrap(budget, a):
    text, width = a["s"], a["width"]
    if isinstance(text, str) and isinstance(width, int):
        breaks = len(text) // max(width, 1) + text.count("\n") + 1
        budget.fits(len(text) + len(str(a["wrapstring"] or "\n")) * breaks, "a wrapped string")


def _check_sum(budget, a):
    if not isinstance(a["start"], (int, float)):  # lists added up: each sum copies the last
        items = a["iterable"] = list(a["iterable"])
        size = chars(items, budget.limits.max_chars)
        budget.fits(size * len(items) // 100, "the work of a sum of lists")


FILTER_CHECKS = {
    "join": _check_join,
    "center": lambda b, a: _width(b, a["width"]),
    "format": lambda b, a: percent(b, a["value"], a["kwargs"] or a["args"]),
    "indent": _check_indent,
    "replace": lambda b, a: _replaced(b, a["s"], a["old"], a["new"], a["count"]),
    "wordwrap": _check_wordwrap,
    "batch": lambda b, a: _count(b, a["linecount"]),
    "slice": lambda b, a: _count(b, a["slices"]),
    "sum": _check_sum,
}
"""Filters whose result can be far larger than their input, checked before they run."""

STRINGIFY = frozenset({"string", "pprint", "tojson", "e", "escape", "forceescape", "safe",
                        "upper", "lower", "title", "capitalize", "trim", "striptags",
                        "wordcount", "truncate", "urlize", "urlencode", "xmlattr", "center",
                        "indent", "wordwrap", "replace", "format"})
"""Filters that turn their input into text (a list into its ``repr``): it is measured."""

def check_str_method(budget: Budget, text: str, name: str, args: tuple, kwargs: dict) -> tuple:
    """String methods whose result can be far larger than the string, checked before they
    run. Returns the arguments to call with (``join`` reads a generator here, once)."""
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _width(budget, args[0])
    elif name == "expandtabs":
        size = (args or (kwargs.get("tabsize", 8),))[0]
        if isinstance(size, int):
            budget.fits(len(text) + text.count("\t") * size, "a string with tabs expanded")
    elif name == "replace" and len(args) >= 2:
        _replaced(budget, text, *args[:3])
    elif name == "join" and args:
        return (_joined(budget, args[0], text), *args[1:])
    return args
