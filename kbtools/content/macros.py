"""Macros in articles: Jinja in a sandbox, fed with the shared facts.

One engine for every tool: the site renders pages with it, the search index indexes the
rendered text, ``kb script`` fills answer scripts, and ``kb check`` finds unknown macros
statically (with their line) without rendering. Every render is bounded in steps, time and
size (:mod:`kbtools.content.sandbox`): a page that breaks a bound is a ``macro.limit`` error
at its line, never a hang.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SecurityError

from kbtools.content.budget import LimitExceeded, Limits, budget
from kbtools.content.compiled import CompiledCache, syntax
from kbtools.content.sandbox import BoundedEnvironment, only_lookups
from kbtools.diagnostics import Finding, error
from kbtools.errors import ConfigError

_MARKERS = re.compile(r"\{(?:\{|%|##)")  # {{ }}, {% %} and {## ##} (not {#id})

COMPILED = 32
"""Compiled texts a :class:`Macros` keeps, the most recently used."""

ENGINE = f"Jinja2 {jinja2.__version__}"
"""The library a :class:`MacroScan` depends on (caches of scans are dropped when it changes)."""


class MacroError(ValueError):
    """A macro failed to render; ``line`` is the file line. ``code`` is ``macro.limit`` when
    the page broke one of the sandbox's limits, ``macro.render`` otherwise."""

    def __init__(self, path: str, line: int, message: str, code: str = "macro.render") -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message, self.code = path, line, message, code


class _DefineEnv:
    """What ``define_env(env)`` in the macros module receives (mkdocs-macros' shape)."""

    def __init__(self, variables: dict) -> None:
        self.variables = variables
        self.macros: dict = {}
        self.filters: dict = {}

    def macro(self, fn, name: str | None = None):
        self.macros[name or fn.__name__] = fn
        return fn

    def filter(self, fn, name: str | None = None):
        self.filters[name or fn.__name__] = fn
        return fn


@dataclass(frozen=True, slots=True)
class MacroScan:
    """What parsing a text's macros finds, before any sandbox judges it: a syntax ``error``
    (its line in the text and its message), or the names the text sets (``stored``) and the
    chains of names and keys it reads (``uses``: ``(line, (name, key, ...))``)."""

    error: tuple[int, str] | None = None
    stored: frozenset[str] = frozenset()
    uses: tuple[tuple[int, tuple], ...] = ()


@dataclass(frozen=True)
class Macros:
    """A ready sandbox: ``env`` with the facts (and macro functions) as globals."""

    env: BoundedEnvironment
    hidden: frozenset[str] = frozenset()
    """Fact namespaces withheld from this sandbox (internal facts on the public site)."""
    cache: CompiledCache | None = field(default=None, compare=False, repr=False)
    """Where texts compiled by earlier runs are kept (None: compile every text)."""
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.env.globals)

    def render(self, text: str, *, path: str, first_line: int = 1,
               variables: Mapping[str, object] | None = None) -> str:
        """Render ``text`` within the sandbox's limits. Raises :class:`MacroError` with the
        file line (code ``macro.limit`` when a limit was broken)."""
        if not has_macros(text):
            return text
        limits = self.env.limits
        try:
            with budget(limits):
                return _stream(self._template(text), variables or {}, limits)
        except TemplateSyntaxError as exc:
            raise MacroError(path, first_line + (exc.lineno or 1) - 1, exc.message or str(exc)) from None
        except LimitExceeded as exc:
            line = _traceback_line(exc) or 1
            raise MacroError(path, first_line + line - 1, f"over a macro limit: {exc}",
                             "macro.limit") from None
        except (RecursionError, MemoryError) as exc:
            line = _traceback_line(exc) or 1
            what = ("macros nest or call themselves too deeply" if isinstance(exc, RecursionError)
                    else "rendering ran out of memory")
            raise MacroError(path, first_line + line - 1, f"over a macro limit: {what}",
                             "macro.limit") from None
        except (TemplateError, SecurityError, ArithmeticError, TypeError, ValueError) as exc:
            line = _traceback_line(exc) or _line_of_name(text, exc)
            raise MacroError(path, first_line + line - 1, f"macro failed: {exc}") from None

    def limit_problems(self, text: str, *, path: str, first_line: int = 1,
                       extra_names: Iterable[str] = ()) -> list[Finding]:
        """Render ``text`` once within the limits: a broken limit is a ``macro.limit`` finding
        at its line. Other render failures are not reported here (:meth:`problems` finds
        unknown names statically; the builds report the rest). ``extra_names`` (a kind's
        placeholders) render as themselves. A page whose macros only look values up cannot
        break a limit that :meth:`render` would not also find in the builds: it is skipped."""
        if only_lookups(text):
            return []
        try:
            self.render(text, path=path, first_line=first_line,
                        variables={name: name for name in extra_names})
        except MacroError as exc:
            if exc.code == "macro.limit":
                return [error(path, exc.line, exc.code, exc.message)]
        return []

    def _template(self, text: str):
        """``text`` compiled; the last :data:`COMPILED` texts are kept (a page's body is
        rendered again right after, by its kind's renderer). Not more: a compiled page is
        many times its text, and a build renders each page's text once."""
        compiled = self._compiled
        template = compiled.pop(text, None)
        if template is None:
            template = self.env.compile_page(text, self.cache)
            while len(compiled) >= COMPILED:
                del compiled[next(iter(compiled))]
        compiled[text] = template  # the most recent last
        return template

    @property
    def syntax(self) -> tuple:
        """The settings a parse depends on: texts scanned with the same syntax scan alike."""
        return syntax(self.env)

    def scan(self, text: str) -> MacroScan:
        """Parse the macros of ``text`` (no rendering): see :class:`MacroScan`."""
        try:
            tree = self.env.parse(text)
        except TemplateSyntaxError as exc:
            return MacroScan(error=(exc.lineno or 1, f"macro syntax error: {exc.message}"))
        stored = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        return MacroScan(None, frozenset(stored), tuple(_uses(tree)))

    def problems(self, text: str, *, path: str, first_line: int = 1,
                 extra_names: Iterable[str] = (), scan: MacroScan | None = None) -> list[Finding]:
        """Find unknown macros and fact keys without rendering, each at its line.

        ``scan`` is ``self.scan(text)`` when the caller already has it (a cache of scans).
        """
        if not has_macros(text):
            return []
        if scan is None:
            scan = self.scan(text)
        if scan.error is not None:
            line, message = scan.error
            return [error(path, first_line + line - 1, "macro.syntax", message)]
        known = set(self.env.globals) | set(extra_names) | scan.stored
        found: list[Finding] = []
        for line, names in scan.uses:
            message = self._check_chain(names, known)
            if message:
                code = "macro.internal" if message.startswith("public page") else "macro.unknown"
                found.append(error(path, first_line + line - 1, code, message))
        return found

    def _check_chain(self, names: tuple, known: set[str]) -> str | None:
        """Check ``name.key.key``: the name is known, and each key exists in the facts."""
        base = names[0]
        if base in self.hidden:
            return f"public page uses internal facts {base!r}; customers must never see them"
        if base not in known:
            return f"unknown macro {base!r} (shared facts: {', '.join(sorted(self._data_names()))})"
        value = self.env.globals.get(base)
        walked = base
        for key in names[1:]:
            if isinstance(value, Mapping) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
                value = value[key]
            elif isinstance(value, Mapping):
                return (f"unknown fact {walked}.{key} ({walked} has: "
                        f"{', '.join(map(str, value)) or 'nothing'})")
            else:
                return None
            walked = f"{walked}.{key}"
        return None

    def _data_names(self) -> list[str]:
        return [k for k, v in self.env.globals.items() if isinstance(v, Mapping)]


def _uses(tree) -> list[tuple[int, tuple]]:
    """``(line, [name, key, ...])`` for every name read in a parsed template; chains with a
    computed key stop before it. Inner links of a chain are not reported twice."""
    uses, inner = [], set()
    for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
        if id(node) in inner:
            continue
        chain, current = [], node
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                chain.append(current.attr)
            elif isinstance(current.arg, nodes.Const):
                chain.append(current.arg.value)
            else:
                chain = []
            current = current.node
            inner.add(id(current))
        if isinstance(current, nodes.Name) and current.ctx == "load":
            uses.append((node.lineno, (current.name, *reversed(chain))))
    return uses


_SHORTCODE = re.compile(r"\{\{<.*?>\}\}|\{\{%.*?%\}\}", re.S)


def mask_shortcodes(text: str) -> str:
    """``text`` with Hugo shortcodes (``{{< name >}}``, ``{{% name %}}``) blanked out, line
    breaks kept: in a repository not written for kb they are the site generator's, not
    macros (``strict: false``)."""
    if "{{<" not in text and "{{%" not in text:
        return text
    return _SHORTCODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def has_macros(text: str) -> bool:
    """Whether ``text`` holds a macro marker (``{{``, ``{%`` or ``{##``)."""
    return "{" in text and _MARKERS.search(text) is not None


def _stream(template, variables: Mapping[str, object], limits: Limits) -> str:
    """Render chunk by chunk; a page growing past ``limits.max_chars`` is stopped where it
    stands (the error is thrown into the template, so its traceback has the line)."""
    parts, size = [], 0
    chunks = template.generate(**variables)
    for chunk in chunks:
        size += len(chunk)
        if size > limits.max_chars:
            chunks.throw(LimitExceeded(f"the page would be over {limits.max_chars:,} "
                                       "characters"))
        parts.append(chunk)
    return "".join(parts)


def build_macros(root: Path, namespaces: Mapping[str, object], module: str | None,
                 hidden: Iterable[str] = (), limits: Limits | None = None,
                 cache: CompiledCache | None = None) -> Macros:
    """Make the sandbox for ``namespaces`` plus the functions of the macros module (if any),
    rendering each page within ``limits`` (the defaults of :class:`Limits` when None), with
    the compiled texts of earlier runs from ``cache`` (None: every text compiled).

    Raises :class:`ConfigError` when the module cannot be loaded.
    """
    # Jinja comments are {## ... ##}, so Markdown's heading ids ({#anchor}) stay text.
    env = BoundedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False,
        comment_start_string="{##", comment_end_string="##}", limits=limits,
    )
    variables = dict(namespaces)
    shim = _DefineEnv(variables)
    if module:
        file = Path(root) / module
        if file.exists():
            _run_define_env(file, module, shim)
    env.globals.update(shim.variables)
    env.globals.update(shim.macros)
    env.add_filters(shim.filters)
    return Macros(env, frozenset(hidden), cache)


_MODULES: dict[Path, object] = {}


def _run_define_env(file: Path, relative: str, shim: _DefineEnv) -> None:
    key = file.resolve()
    module = _MODULES.get(key)
    if module is None:
        spec = importlib.util.spec_from_file_location(f"kb_macros_{abs(hash(key))}", file)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # noqa: BLE001 - any error in author code is reported
            raise ConfigError(f"{relative}: cannot load macros module: {exc!r}") from None
        _MODULES[key] = module
    define_env = getattr(module, "define_env", None)
    if define_env is None:
        raise ConfigError(f"{relative}: defines no define_env(env) function")
    try:
        define_env(shim)
    except Exception as exc:  # noqa: BLE001
        raise ConfigError(f"{relative}: define_env(env) failed: {exc!r}") from None


def _traceback_line(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _line_of_name(text: str, exc: BaseException) -> int:
    message = str(exc)
    name = message.split("'")[1] if message.count("'") >= 2 else ""
    if name:
        for number, line in enumerate(text.splitlines(), 1):
            if name in line and "{{" in line:
                return number
    return 1
