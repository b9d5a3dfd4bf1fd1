"""The one module that runs git.

Everything git knows about the knowledge base is read in a few batched calls, never a process
per file:

- :func:`load_history` probes the checkout (one ``git rev-parse``, one ``git status``) and reads
  the whole history in ONE ``git log --name-status -M`` pass;
- :func:`read_blobs` reads any number of files at given commits through one
  ``git cat-file --batch`` process.

When the knowledge base is not a git checkout (or git is missing, or the clone is shallow), the
returned :class:`History` says so in ``problem`` / ``shallow`` and answers "unknown" (None)
instead of raising, so callers can still work from content hashes and say what they could not
compute. Paths are always relative to the knowledge-base root (posix), even when the root is a
sub-folder of the repository.
"""

from __future__ import annotations

import difflib
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ADDED, DELETED, MODIFIED, RENAMED = "A", "D", "M", "R"


class GitFailed(Exception):
    """A git command failed; the message is git's own, with the command."""


@dataclass(frozen=True, slots=True)
class Change:
    """One commit touching one path: ``index`` into :attr:`History.commits` (0 = newest).

    For ``R`` (renamed here from ``other``) and for a path renamed away (``status`` ``D`` with
    ``other`` the new name), ``other`` is the path on the other side of the rename.
    """

    index: int
    status: str
    other: str | None = None


@dataclass
class History:
    """The commit history of a checkout as one in-memory index (see :func:`load_history`)."""

    root: Path
    problem: str | None = None
    """Why history is unavailable (not a git checkout, git missing, no commits); None if fine."""
    shallow: bool = False
    toplevel: Path | None = None
    prefix: str = ""
    """The KB root's path inside the repository (``""`` or ``"kb/"``)."""
    commits: list[str] = field(default_factory=list)
    parents: list[tuple[str, ...]] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    """Commit time of each of :attr:`commits` (seconds since the epoch, UTC)."""
    changes: dict[str, list[Change]] = field(default_factory=dict)
    dirty: frozenset[str] = frozenset()
    """Paths with uncommitted changes (staged, unstaged or untracked) under the KB root."""
    has_merges: bool = False
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _ancestors: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)

    @property
    def available(self) -> bool:
        return self.problem is None

    @property
    def head(self) -> str | None:
        return self.commits[0] if self.commits else None

    def resolve(self, ref: str | None) -> str | None:
        """The full id of commit ``ref`` (full or abbreviated, >= 4 hex digits), if in history."""
        if not ref:
            return None
        ref = ref.strip().lower()
        if ref in self._index:
            return ref
        if len(ref) < 4:
            return None
        found = [c for c in self.commits if c.startswith(ref)]
        return found[0] if len(found) == 1 else None

    def last_changed(self, path: str) -> int | None:
        """Commit time (epoch seconds) of the newest commit that touched ``path``, or None."""
        entries = self.changes.get(path)
        return self.times[entries[0].index] if entries and self.times else None

    def last_commit(self, path: str) -> str | None:
        """The newest commit that touched ``path`` (None if never committed)."""
        entries = self.changes.get(path)
        return self.commits[entries[0].index] if entries else None

    def since(self, path: str, commit: str) -> tuple[list[str], str] | None:
        """Commits that touched ``path`` since ``commit``, newest first, following renames back.

        Returns ``(commits, path_at_commit)``, the second being the file's name at ``commit``;
        None when ``commit`` is not in this history.
        """
        pin = self._index.get(commit)
        if pin is None:
            return None
        found: list[str] = []
        current, limit = path, -1  # only entries older than ``limit`` belong to ``current``
        while True:
            renamed_from = None
            for change in self.changes.get(current, ()):
                if change.index <= limit or not self._newer(change.index, pin):
                    continue
                found.append(self.commits[change.index])
                if change.status == RENAMED and change.other:
                    renamed_from = (change.index, change.other)
                    break
                if change.status == ADDED:
                    break
            if renamed_from is None:
                return found, current
            limit, current = renamed_from

    def fate(self, path: str) -> tuple[str, str | None, str] | None:
        """What became of a path that no longer exists: ``(status, new_path, commit)``.

        ``status`` is ``renamed`` (``new_path`` is where it lives now, renames followed) or
        ``deleted``; None if git never saw the path or it still exists in the newest commit.
        """
        seen = set()
        current, status, commit = path, None, None
        while current not in seen:
            seen.add(current)
            entries = self.changes.get(current)
            if not entries or entries[0].status != DELETED:
                break
            last = entries[0]
            commit = self.commits[last.index]
            if last.other is None:
                return ("deleted", None, commit) if status is None else ("deleted", current, commit)
            status, current = "renamed", last.other
        return (status, current, commit) if status else None

    def _newer(self, index: int, pin: int) -> bool:
        """True if commit ``index`` is not an ancestor of (nor equal to) commit ``pin``."""
        if index < pin:  # topological order: a descendant is listed before its ancestors
            return True
        if index == pin:
            return False
        if not self.has_merges:
            return False
        return index not in self._ancestors_of(pin)

    def _ancestors_of(self, pin: int) -> frozenset[int]:
        if pin not in self._ancestors:
            seen, stack = {pin}, [pin]
            while stack:
                for parent in self.parents[stack.pop()]:
                    index = self._index.get(parent)
                    if index is not None and index not in seen:
                        seen.add(index)
                        stack.append(index)
            self._ancestors[pin] = frozenset(seen)
        return self._ancestors[pin]


def _run(args: list[str], cwd: Path, data: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True,
                                check=False)
    except FileNotFoundError:
        raise GitFailed("git is not installed (no 'git' on PATH)") from None
    if result.returncode != 0:
        raise GitFailed(f"git {args[0]}: {_first_error(result.stderr)}")
    return result.stdout


def load_history(root: Path | str, roots: Iterable[str] = ()) -> History:
    """Probe ``root`` and read its whole history in one ``git log`` pass.

    ``roots`` limits the uncommitted-changes scan to those folders (all of the KB if empty).
    The log is parsed while git writes it, so git's tree diffs and our parsing use two cores
    and the whole output is never held in memory. Never raises for a missing or broken
    repository: see :attr:`History.problem`.
    """
    root = Path(root).resolve()
    history = History(root)
    try:
        probe = _run(["rev-parse", "--show-toplevel", "--show-prefix",
                      "--is-shallow-repository"], root).decode().splitlines()
    except GitFailed as exc:
        history.problem = ("not a git checkout" if "not a git repository" in str(exc)
                           else str(exc))
        return history
    history.toplevel = Path(probe[0])
    history.prefix = probe[1] if len(probe) > 1 else ""
    history.shallow = len(probe) > 2 and probe[2] == "true"
    try:
        _parse_log(history, _log_records(root))
        status = _run(["status", "--porcelain", "-z", "--untracked-files=all", "--",
                       *(list(roots) or ["."])], root)
    except GitFailed as exc:
        problem = ("the repository has no commits yet"
                   if "'HEAD'" in str(exc) or "does not have any commits" in str(exc)
                   else str(exc))
        return History(root, problem=problem, shallow=history.shallow,
                       toplevel=history.toplevel, prefix=history.prefix)
    history.dirty = _parse_status(status, history.prefix)
    return history


_LOG = ["log", "-z", "--topo-order", "--format=%x01%H %ct %P", "--name-status", "-M", "HEAD"]
_READ_SIZE = 1 << 20


def _log_records(root: Path) -> Iterator[bytes]:
    """One ``git log`` process's output, one commit record at a time (newest first), as it
    is written. Raises :class:`GitFailed` (after the last record) when git fails."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: git never blocks on it
        try:
            process = subprocess.Popen(["git", *_LOG], cwd=root, stdout=subprocess.PIPE,
                                       stderr=errors)
        except FileNotFoundError:
            raise GitFailed("git is not installed (no 'git' on PATH)") from None
        try:
            pending = b""
            while block := process.stdout.read(_READ_SIZE):
                records = (pending + block).split(b"\x01")
                pending = records.pop()
                yield from (r for r in records if r)
            if pending:
                yield pending
            process.stdout.close()
            if process.wait() != 0:
                errors.seek(0)
                raise GitFailed(f"git log: {_first_error(errors.read())}")
        finally:
            if process.poll() is None:  # the reader stopped early
                process.kill()
                process.wait()
            process.stdout.close()


def _first_error(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or ["failed"])[0]


def _relative(path: str, prefix: str) -> str | None:
    if not prefix:
        return path
    return path[len(prefix):] if path.startswith(prefix) else None


def _parse_log(history: History, records: Iterable[bytes]) -> None:
    """Fill ``history`` from ``git log`` records (``%H %ct %P`` then the name-status list)."""
    prefix = history.prefix
    changes = history.changes
    for index, chunk in enumerate(records):
        head, _, rest = chunk.partition(b"\0")
        ids = head.decode().split()
        history.commits.append(ids[0])
        history.times.append(int(ids[1]))
        history.parents.append(tuple(ids[2:]))
        tokens = rest.lstrip(b"\n").split(b"\0")
        at = 0
        while at < len(tokens) and tokens[at]:
            status = tokens[at][:1].decode()
            if status in ("R", "C"):
                old = _relative(tokens[at + 1].decode("utf-8", "surrogateescape"), prefix)
                new = _relative(tokens[at + 2].decode("utf-8", "surrogateescape"), prefix)
                at += 3
                if status == "C":
                    if new is not None:
                        changes.setdefault(new, []).append(Change(index, ADDED))
                    continue
                if new is not None:
                    changes.setdefault(new, []).append(Change(index, RENAMED, old))
                if old is not None:
                    changes.setdefault(old, []).append(Change(index, DELETED, new))
                continue
            path = _relative(tokens[at + 1].decode("utf-8", "surrogateescape"), prefix)
            at += 2
            if path is not None:
                changes.setdefault(path, []).append(
                    Change(index, status if status in (ADDED, DELETED) else MODIFIED))
    history._index = {c: i for i, c in enumerate(history.commits)}
    history.has_merges = any(len(p) > 1 for p in history.parents)


def _parse_status(raw: bytes, prefix: str) -> frozenset[str]:
    dirty = set()
    tokens = raw.split(b"\0")
    at = 0
    while at < len(tokens) and tokens[at]:
        entry = tokens[at].decode("utf-8", "surrogateescape")
        path = _relative(entry[3:], prefix)
        if path is not None:
            dirty.add(path)
        at += 2 if entry[:1] in ("R", "C") else 1
    return frozenset(dirty)


def read_blobs(history: History, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
    """Contents of ``(commit, path)`` pairs, read by one ``git cat-file --batch`` process.

    Pairs git cannot find (path absent at that commit, commit not in the clone) are left out
    of the result. Returns an empty dict when history is unavailable.
    """
    wanted = sorted(set(wanted))
    if not wanted or not history.available:
        return {}
    request = "".join(f"{commit}:{history.prefix}{path}\n" for commit, path in wanted
                      if "\n" not in path)
    output = _run(["cat-file", "--batch"], history.root, request.encode("utf-8"))
    found: dict[tuple[str, str], bytes] = {}
    at = 0
    for key in wanted:
        if "\n" in key[1]:
            continue
        end = output.index(b"\n", at)
        header = output[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[key] = output[at:at + size]
            at += size + 1
        elif len(header) == 3:  # a tree or commit: skip its body
            at += int(header[2]) + 1
    return found


def diff_to_worktree(history: History, commit: str, old_path: str, new_path: str,
                     context: int = 3) -> str | None:
    """Unified diff of ``old_path`` at ``commit`` against ``new_path`` in the working tree.

    None when git cannot read ``old_path`` at ``commit``; ``""`` when they are the same.
    """
    blobs = read_blobs(history, [(commit, old_path)])
    if (commit, old_path) not in blobs:
        return None
    old = blobs[(commit, old_path)].decode("utf-8", "replace").splitlines(keepends=True)
    file = history.root / new_path
    new = file.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True) \
        if file.exists() else []
    lines = difflib.unified_diff(old, new, f"a/{old_path} ({commit[:10]})",
                                 f"b/{new_path} (working tree)", n=context)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def changed_lines(old: str, new: str) -> int:
    """Lines added plus lines removed between two texts (what ``git diff --numstat`` sums)."""
    a, b = old.splitlines(), new.splitlines()
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0  # common tail; most edits are local, so the matcher sees a few lines only
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    matcher = difflib.SequenceMatcher(None, a[start:len(a) - end], b[start:len(b) - end],
                                      autojunk=False)
    total = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            total += (i2 - i1) + (j2 - j1)
    return total
