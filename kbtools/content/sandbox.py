"""The macro sandbox: Jinja's immutable sandbox, with bounds on what one page may cost.

Jinja's sandbox keeps a template away from Python's internals; it does not stop one from
running for hours or filling memory: a nested ``range`` loop, ``'x' * 400000000``, a ``join``
of a long list, a macro that calls itself. Here each page renders within a :class:`Budget`
(see :class:`Limits` and ``docs/guide/security.md``):

- steps: every loop iteration and every call (macro, function, method) is a step;
- time: the clock is read at every step, filter and operator, and the render stops past the
  deadline (no signal or thread: those cannot interrupt C code, so nothing may run long);
- size: no value a template makes, prints or joins may exceed :attr:`Limits.max_chars`. C code
  cannot be stopped half-way, so an operation that could make a larger value in one go
  (``*``, ``**``, ``%``, ``+``, ``join``, ``format``, padding, ``replace``, ``indent``,
  ``wordwrap``, ``batch``, ``slice``, ``sum``) is measured *before* it runs and refused.

The checks use the sandbox's own extension points (``call``, ``call_binop`` for the
``intercepted_binops``, ``concat``, the filter table) and a pass over the parsed template
that routes loops, ``~``, printed values and namespace assignments through counting filters.
A broken bound raises :class:`LimitExceeded` from inside the template, so the caller finds the
template line in its traceback.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from string import Formatter

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum
from jinja2.visitor import NodeTransformer


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


def _current() -> Budget:
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

def _repeat(budget: Budget, left, right) -> None:
    """``*``: a string or list times a number, or a number times a number."""
    if isinstance(left, int) and not isinstance(right, int):
        left, right = right, left
    if isinstance(left, int) and isinstance(right, int):
        if abs(left).bit_length() + abs(right).bit_length() > budget.limits.max_int_bits:
            raise LimitExceeded(f"a number would have more than {budget.limits.max_int_bits:,} bits")
    elif isinstance(right, int) and isinstance(left, (str, list, tuple)):
        budget.fits(chars(left, budget.limits.max_chars) * max(right, 0), "a repeated value")


def _power(budget: Budget, base, exponent) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        if abs(base).bit_length() * exponent > budget.limits.max_int_bits:
            raise LimitExceeded(f"a number would have more than {budget.limits.max_int_bits:,} bits")


_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _percent(budget: Budget, template, args) -> None:
    """``'%-10s' % value`` and the ``format`` filter: each field at most as long as the
    longest argument, plus the widths it asks for."""
    if not isinstance(template, str):
        return
    values = list(args) if isinstance(args, tuple) else [args]  # a mapping: all of it
    fields = _PERCENT_FIELD.findall(template)
    _fields_fit(budget, template, values, [w for pair in fields for w in pair], len(fields))


def _format(budget: Budget, template: str, args, kwargs) -> None:
    """``'{:>10}'.format(value)``, as :func:`_percent`."""
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


_FILTER_CHECKS = {
    "join": _check_join,
    "center": lambda b, a: _width(b, a["width"]),
    "format": lambda b, a: _percent(b, a["value"], a["kwargs"] or a["args"]),
    "indent": _check_indent,
    "replace": lambda b, a: _replaced(b, a["s"], a["old"], a["new"], a["count"]),
    "wordwrap": _check_wordwrap,
    "batch": lambda b, a: _count(b, a["linecount"]),
    "slice": lambda b, a: _count(b, a["slices"]),
    "sum": _check_sum,
}
"""Filters whose result can be far larger than their input, checked before they run."""

_STRINGIFY = frozenset({"string", "pprint", "tojson", "e", "escape", "forceescape", "safe",
                        "upper", "lower", "title", "capitalize", "trim", "striptags",
                        "wordcount", "truncate", "urlize", "urlencode", "xmlattr", "center",
                        "indent", "wordwrap", "replace", "format"})
"""Filters that turn their input into text (a list into its ``repr``): it is measured."""

def _check_str_method(budget: Budget, text: str, name: str, args: tuple, kwargs: dict) -> tuple:
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


def _bounded_filter(name: str, func):
    """``func`` as a filter that checks the time, its input and what it makes."""
    check = _FILTER_CHECKS.get(name)
    stringify = name in _STRINGIFY
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    try:
        signature = inspect.signature(func) if check else None
    except (TypeError, ValueError):
        signature = None

    @wraps(func)
    def bounded(*args, **kwargs):
        budget = _current()
        budget.tick()
        if stringify and len(args) > skip and not isinstance(args[skip], str):
            budget.fits(chars(args[skip], budget.limits.max_chars), f"the input of {name}")
        if signature is not None:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                pass  # the filter itself says what is wrong with its arguments
            else:
                bound.apply_defaults()
                check(budget, bound.arguments)
                args, kwargs = bound.args, bound.kwargs
        result = func(*args, **kwargs)
        if isinstance(result, str):
            budget.fits(len(result), f"the result of {name}")
        return result

    return bounded


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    budget = _current()
    budget.fits(n * max * 12 if isinstance(n, int) and isinstance(max, int) else 0,
                "lorem ipsum")
    return generate_lorem_ipsum(n, html, min, max)


# -- filters the guard pass puts into templates -------------------------------------------

def _loop(iterable):
    """Every loop iterates through this: one step per item."""
    budget = _current()
    for item in iterable:
        budget.step()
        yield item


def _print(value):
    """Every printed value (and namespace assignment) passes through this, before it is
    turned into text."""
    budget = _current()
    if not isinstance(value, str):
        budget.fits(chars(value, budget.limits.max_chars), "a printed value")
    elif len(value) > budget.limits.max_chars:
        budget.fits(len(value), "a printed value")
    return value


def _concat(values: list) -> str:
    """``a ~ b``: the joined text, measured first."""
    budget = _current()
    budget.tick()
    size = 0
    for value in values:
        size += len(value) if isinstance(value, str) else chars(value, budget.limits.max_chars)
        budget.fits(size, "a string joined with ~")
    return "".join(map(str, values))


def _written(parts) -> str:
    """What a macro, ``{% set %}`` block or ``caller()`` wrote, measured as it is joined."""
    budget = _current()
    parts = list(parts)
    size = 0
    for part in parts:
        size += len(part)
        budget.fits(size, "the text a macro or {% set %} block writes")
    return "".join(parts)


_INTERNAL_FILTERS = {"_kb_loop": _loop, "_kb_print": _print, "_kb_concat": _concat}


class _Guard(NodeTransformer):
    """Routes loops, ``~``, printed values and namespace assignments through the counting
    filters above (a Jinja ``for`` loop is plain Python iteration: nothing else sees it)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _through("_kb_loop", node.iter)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _through("_kb_concat", nodes.List(node.nodes, lineno=node.lineno))

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [child if isinstance(child, nodes.TemplateData)
                      else _through("_kb_print", child) for child in node.nodes]
        return node

    def visit_Assign(self, node: nodes.Assign) -> nodes.Node:
        self.generic_visit(node)
        if isinstance(node.target, nodes.NSRef):  # a namespace prints as its contents
            node.node = _through("_kb_print", node.node)
        return node


def _through(name: str, node: nodes.Expr) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


_LOOKUP = re.compile(r"""\{\{-?\s*[A-Za-z_]\w*(?:\.\w+|\[\s*(?:'[^'\n]*'|"[^"\n]*"|-?\d+)\s*\])*"""
                     r"\s*-?\}\}")
_MARKERS = ("{{", "{%", "{#")


def only_lookups(text: str) -> bool:
    """True when every macro of ``text`` just prints a value (``{{ support.email }}``,
    ``{{ sla['P1'].name }}``): no loop, call, filter or operator, so rendering it costs no
    more than the facts it prints (which the YAML limits bound)."""
    rest = _LOOKUP.sub("", text)
    return not any(marker in rest for marker in _MARKERS)


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox with :class:`Limits`. Render a page with :meth:`compile_page`
    inside :func:`budget`; :meth:`parse` alone (a static check) costs no budget."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    concat = staticmethod(_written)

    def __init__(self, *args, limits: Limits | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or Limits()
        self.globals["lipsum"] = _lipsum
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}
        self.filters.update(_INTERNAL_FILTERS)

    def add_filters(self, filters: Mapping[str, object]) -> None:
        """Add filters (from the macros module), bounded like the built-in ones."""
        self.filters.update({name: _bounded_filter(name, func) for name, func in filters.items()})

    def parse(self, source, name=None, filename=None):
        """Jinja's parser recurses once per nesting level: a deeply nested expression is a
        syntax error here, not a ``RecursionError``."""
        try:
            return super().parse(source, name, filename)
        except RecursionError:
            raise TemplateSyntaxError("expression nested too deeply to read; simplify it",
                                      1, name, filename) from None

    def compile_page(self, source: str):
        """``source`` as a template whose loops, joins and output count against the budget
        (a page that only looks values up has nothing to count and compiles as it is)."""
        if only_lookups(source):
            return self.from_string(source)
        tree = _Guard().visit(self.parse(source))
        tree.set_environment(self)
        return self.from_string(tree)

    def call_binop(self, context, operator: str, left, right):
        budget = _current()
        budget.tick()
        if operator == "*":
            _repeat(budget, left, right)
        elif operator == "**":
            _power(budget, left, right)
        elif operator == "%":
            _percent(budget, left, right)
        result = self.binop_table[operator](left, right)
        if operator == "+" and not isinstance(result, (int, float)):
            budget.fits(chars(result, self.limits.max_chars), "a value made with +")
        return result

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        budget = _current()
        budget.step()
        owner = getattr(__obj, "__self__", None)
        wrapped = getattr(__obj, "__wrapped__", None)
        if isinstance(owner, str):
            args = _check_str_method(budget, owner, __obj.__name__, args, kwargs)
        elif isinstance(getattr(wrapped, "__self__", None), str):  # the sandbox's str.format
            if wrapped.__name__ == "format_map" and args and isinstance(args[0], Mapping):
                _format(budget, wrapped.__self__, (), args[0])
            else:
                _format(budget, wrapped.__self__, args, kwargs)
        elif __obj is Namespace:
            budget.fits(chars([args, kwargs], __self.limits.max_chars), "a namespace")
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str):
            budget.fits(len(result), "the result of a call")
        return result
