"""Split a markdown file into its YAML front matter and body."""

from __future__ import annotations

from dataclasses import dataclass

from kbtools.content import yamldoc


class FrontMatterError(ValueError):
    """The front matter is missing or unreadable; ``line`` is 1-based."""

    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.code = code


@dataclass(frozen=True, slots=True)
class Parsed:
    """A markdown file: its front matter (as a :class:`yamldoc.YAMLDoc`) and its body."""

    meta: yamldoc.YAMLDoc
    body: str
    body_line: int  # the file line the body starts on


def split(text: str) -> tuple[str, str, int] | None:
    """Return ``(yaml_text, body, body_line)``, or None when there is no front matter."""
    if not text.startswith("---"):
        return None
    first_nl = text.find("\n")
    if first_nl == -1 or text[:first_nl].strip() != "---":
        return None
    pos = first_nl + 1
    line = 2
    while True:
        nl = text.find("\n", pos)
        end = len(text) if nl == -1 else nl
        if text[pos:end].rstrip() in ("---", "..."):
            yaml_text = text[first_nl + 1 : pos]
            body = "" if nl == -1 else text[nl + 1 :]
            return yaml_text, body, line + 1
        if nl == -1:
            return None
        pos = nl + 1
        line += 1


def parse(text: str) -> Parsed:
    """Parse a markdown file's text. Raises :class:`FrontMatterError` with a line."""
    if not text.strip():
        raise FrontMatterError(1, "file.empty", "empty file: expected front matter starting with ---")
    parts = split(text)
    if parts is None:
        if text.startswith("---"):
            raise FrontMatterError(1, "meta.unclosed", "front matter is not closed by a --- line")
        raise FrontMatterError(
            1, "meta.missing", "no front matter: the file must start with a --- line and a title"
        )
    yaml_text, body, body_line = parts
    try:
        meta = yamldoc.load(yaml_text, first_line=2)
    except yamldoc.YAMLSyntaxError as exc:
        raise FrontMatterError(exc.line, "meta.yaml", str(exc)) from None
    if meta.data is None:
        meta = yamldoc.YAMLDoc({}, {}, ())
    elif not isinstance(meta.data, dict):
        raise FrontMatterError(
            2, "meta.not-mapping",
            f"front matter must be a mapping of fields, got {type(meta.data).__name__}",
        )
    return Parsed(meta, body, body_line)
