"""The macro sandbox: Jinja's immutable sandbox, with bounds on what one page may cost.

Jinja's sandbox keeps a template away from Python's internals; it does not stop one from
running for hours or filling memory: a nested ``range`` loop, ``'x' * 400000000``, a ``join``
of a long list, a macro that calls itself. Here each page renders within a
:class:`~kbtools.content.budget.Budget` (see :class:`~kbtools.content.budget.Limits`, and
``docs/guide/security.md``):

- steps: every loop iteration and every call (macro, function, method) is a step;
- time: the clock is read at every step, filter and operator, and the render stops past the
  deadline (no signal or thread: those cannot interrupt C code, so nothing may run long);
- size: no value a template makes, prints or joins may exceed :attr:`Limits.max_chars`. C code
  cannot be stopped half-way, so an operation that could make a larger value in one go
  (``*``, ``**``, ``%``, ``+``, ``join``, ``format``, padding, ``replace``, ``indent``,
  ``wordwrap``, ``batch``, ``slice``, ``sum``) is measured *before* it runs and refused
  (those measures are :mod:`kbtools.content.budget`'s).

The checks use the sandbox's own extension points (``call``, ``call_binop`` for the
``intercepted_binops``, ``concat``, the filter table) and a pass over the parsed template
that routes loops, ``~``, printed values and namespace assignments through counting filters.
A broken bound raises :class:`~kbtools.content.budget.LimitExceeded` from inside the template, so the caller finds the
template line in its traceback.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from functools import wraps
from typing import TYPE_CHECKING

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum
from jinja2.visitor import NodeTransformer

from kbtools.content.budget import (
    FILTER_CHECKS,
    STRINGIFY,
    Limits,
    chars,
    check_str_method,
    current,
    format_fits,
    percent,
    power,
    repeat,
)

if TYPE_CHECKING:
    from kbtools.content.compiled import CompiledCache


def _bounded_filter(name: str, func):
    """``func`` as a filter that checks the time, its input and what it makes."""
    check = FILTER_CHECKS.get(name)
    stringify = name in STRINGIFY
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
    try:
        signature = inspect.signature(func) if check else None
    except (TypeError, ValueError):
        signature = None

    @wraps(func)
    def bounded(*args, **kwargs):
        budget = current()
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
    budget = current()
    budget.fits(n * max * 12 if isinstance(n, int) and isinstance(max, int) else 0,
                "lorem ipsum")
    return generate_lorem_ipsum(n, html, min, max)


# -- filters the guard pass puts into templates -------------------------------------------

def _loop(iterable):
    """Every loop iterates through this: one step per item."""
    budget = current()
    for item in iterable:
        budget.step()
        yield item


def _print(value):
    """Every printed value (and namespace assignment) passes through this, before it is
    turned into text."""
    budget = current()
    if not isinstance(value, str):
        budget.fits(chars(value, budget.limits.max_chars), "a printed value")
    elif len(value) > budget.limits.max_chars:
        budget.fits(len(value), "a printed value")
    return value


def _concat(values: list) -> str:
    """``a ~ b``: the joined text, measured first."""
    budget = current()
    budget.tick()
    size = 0
    for value in values:
        size += len(value) if isinstance(value, str) else chars(value, budget.limits.max_chars)
        budget.fits(size, "a string joined with ~")
    return "".join(map(str, values))


def _written(parts) -> str:
    """What a macro, ``{% set %}`` block or ``caller()`` wrote, measured as it is joined."""
    budget = current()
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

    def compile_page(self, source: str, cache: CompiledCache | None = None):
        """``source`` as a template whose loops, joins and output count against the budget
        (a page that only looks values up has nothing to count and compiles as it is).
        With ``cache`` (:mod:`kbtools.content.compiled`) a text compiled before is loaded,
        not compiled again."""
        guarded = not only_lookups(source)
        bucket = None
        if cache is not None:
            name = cache.name(self, "guarded" if guarded else "plain", source)
            bucket = cache.get_bucket(self, name, None, source)
        code = bucket.code if bucket is not None else None
        if code is None:
            tree: str | nodes.Template = source
            if guarded:
                tree = _Guard().visit(self.parse(source))
                tree.set_environment(self)
            code = self.compile(tree)
            if bucket is not None:
                bucket.code = code
                cache.set_bucket(bucket)
        return self.template_class.from_code(self, code, self.make_globals(None))

    def call_binop(self, context, operator: str, left, right):
        budget = current()
        budget.tick()
        if operator == "*":
            repeat(budget, left, right)
        elif operator == "**":
            power(budget, left, right)
        elif operator == "%":
            percent(budget, left, right)
        result = self.binop_table[operator](left, right)
        if operator == "+" and not isinstance(result, (int, float)):
            budget.fits(chars(result, self.limits.max_chars), "a value made with +")
        return result

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        budget = current()
        budget.step()
        owner = getattr(__obj, "__self__", None)
        wrapped = getattr(__obj, "__wrapped__", None)
        if isinstance(owner, str):
            args = check_str_method(budget, owner, __obj.__name__, args, kwargs)
        elif isinstance(getattr(wrapped, "__self__", None), str):  # the sandbox's str.format
            if wrapped.__name__ == "format_map" and args and isinstance(args[0], Mapping):
                format_fits(budget, wrapped.__self__, (), args[0])
            else:
                format_fits(budget, wrapped.__self__, args, kwargs)
        elif __obj is Namespace:
            budget.fits(chars([args, kwargs], __self.limits.max_chars), "a namespace")
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str):
            budget.fits(len(result), "the result of a call")
        return result
