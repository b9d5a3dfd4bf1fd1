"""Macros in articles: Jinja in a sandbox, fed with the shared facts.

One engine for every tool: the site renders pages with it, the search index indexes the
rendered text, ``kb script`` fills answer scripts, and ``kb check`` finds unknown macros
statically (with their line) without rendering.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from kbtools.diagnostics import Finding, error
from kbtools.errors import ConfigError

_MARKERS = ("{{", "{%", "{##")


class MacroError(ValueError):
    """A macro failed to render; ``line`` is the file line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


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


@dataclass(frozen=True)
class Macros:
    """A ready sandbox: ``env`` with the facts (and macro functions) as globals."""

    env: ImmutableSandboxedEnvironment
    hidden: frozenset[str] = frozenset()
    """Fact namespaces withheld from this sandbox (internal facts on the public site)."""
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.env.globals)

    def render(self, text: str, *, path: str, first_line: int = 1,
               variables: Mapping[str, object] | None = None) -> str:
        """Render ``text``. Raises :class:`MacroError` with the file line."""
        if not has_macros(text):
            return text
        try:
            template = self._compiled.get(text)
            if template is None:
                if len(self._compiled) > 4096:
                    self._compiled.clear()
                template = self._compiled[text] = self.env.from_string(text)
            return template.render(**(variables or {}))
        except TemplateSyntaxError as exc:
            raise MacroError(path, first_line + (exc.lineno or 1) - 1, exc.message or str(exc)) from None
        except (TemplateError, SecurityError, ArithmeticError, TypeError, ValueError) as exc:
            line = _traceback_line(exc) or _line_of_name(text, exc)
            raise MacroError(path, first_line + line - 1, f"macro failed: {exc}") from None

    def problems(self, text: str, *, path: str, first_line: int = 1,
                 extra_names: Iterable[str] = ()) -> list[Finding]:
        """Find unknown macros and fact keys without rendering, each at its line."""
        if not has_macros(text):
            return []
        try:
            tree = self.env.parse(text)
        except TemplateSyntaxError as exc:
            return [error(path, first_line + (exc.lineno or 1) - 1, "macro.syntax",
                          f"macro syntax error: {exc.message}")]
        known = set(self.env.globals) | set(extra_names)
        known |= {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
        uses = _uses(tree)
        found: list[Finding] = []
        for line, names in uses:
            message = self._check_chain(names, known)
            if message:
                code = "macro.internal" if message.startswith("public page") else "macro.unknown"
                found.append(error(path, first_line + line - 1, code, message))
        return found

    def _check_chain(self, names: list, known: set[str]) -> str | None:
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


def _uses(tree) -> list[tuple[int, list]]:
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
            uses.append((node.lineno, [current.name, *reversed(chain)]))
    return uses


def has_macros(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


def build_macros(root: Path, namespaces: Mapping[str, object], module: str | None,
                 hidden: Iterable[str] = ()) -> Macros:
    """Make the sandbox for ``namespaces`` plus the functions of the macros module (if any).

    Raises :class:`ConfigError` when the module cannot be loaded.
    """
    # Jinja comments are {## ... ##}, so Markdown's heading ids ({#anchor}) stay text.
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False,
        comment_start_string="{##", comment_end_string="##}",
    )
    variables = dict(namespaces)
    shim = _DefineEnv(variables)
    if module:
        file = Path(root) / module
        if file.exists():
            _run_define_env(file, module, shim)
    env.globals.update(shim.variables)
    env.globals.update(shim.macros)
    env.filters.update(shim.filters)
    return Macros(env, frozenset(hidden))


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
