"""Reading a team's git history without running anything of it.

Grading never runs the ``git`` program on a team's repository: git reads the repository's own
config, and keys such as ``core.fsmonitor``, ``gpg.program`` (with ``log.showSignature``),
``core.pager``, ``diff.external`` or a textconv driver name programs that git runs. History is
read with dulwich, a Python implementation of git's formats that never consults a config for a
program to start; sekit reads raw objects and never checks files out (so no filter or hook runs).

The git folder must belong to the repository: a ``.git`` file (``gitdir: ...``), an
``objects/info/alternates`` entry, a ``commondir`` file or a symbolic link inside ``.git`` that
leads outside the repository is refused with the reason, and the team is graded without history.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sekit.grade.gitsizes import loose_size, packed_size, read_pack_index
from sekit.grade.walk import Walk

BLOB_LINES_LIMIT = 2_000_000  # blobs larger than this count as binary for line statistics
MAX_COMMITS = 20_000  # the newest commits read; an older history is noted, not read


class RefusedRepository(Exception):
    """The git folder points outside the repository (or cannot be read as git)."""


class UnreadableFormat(RefusedRepository):
    """The git folder is in a format sekit's reader does not know (SHA-256 objects, reftable):
    its history exists but is not assessed."""


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str
    author: str
    email: str
    time: int  # seconds since the epoch (author time)
    parents: tuple[str, ...]

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True)
class Change:
    path: str
    added: int
    deleted: int  # lines; both 0 for binary files


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return False


def git_dir(root: Path) -> Path | None:
    """The repository's git folder, or None when it has none; refuses one that leads outside."""
    root = root.resolve()
    dotgit = root / ".git"
    if dotgit.is_symlink() and not _inside(dotgit, root):
        raise RefusedRepository(".git is a symbolic link that leads outside the repository")
    if dotgit.is_file():
        text = dotgit.read_text(encoding="utf-8", errors="replace").strip()
        if not text.startswith("gitdir:"):
            raise RefusedRepository(".git is a file but not a 'gitdir:' pointer")
        target = Path(text[len("gitdir:") :].strip())
        target = target if target.is_absolute() else root / target
        if not _inside(target, root):
            raise RefusedRepository(
                f".git points to {text[len('gitdir:') :].strip()!r}, outside the repository"
            )
        dotgit = target.resolve()
    if not dotgit.is_dir():
        return None
    _refuse_escapes(dotgit, root)
    _refuse_unknown_formats(dotgit)
    return dotgit


def _refuse_unknown_formats(folder: Path) -> None:
    """Git's SHA-256 object format (``extensions.objectFormat = sha256``) and reftables are
    formats dulwich cannot read: say so, rather than fail inside it. The config is read as text
    here; nothing in it is run."""
    config = folder / "config"
    try:
        text = config.read_text(encoding="utf-8", errors="replace") if config.is_file() else ""
    except OSError:
        return
    if re.search(r"^\s*objectformat\s*=\s*sha256\b", text, re.IGNORECASE | re.MULTILINE):
        raise UnreadableFormat(
            "the repository uses git's SHA-256 object format, which sekit's history reader "
            "(dulwich) cannot read: ask the team for a SHA-1 repository (git's default; "
            "`git init --object-format=sha1`, then push the history to it) to have the history "
            "graded"
        )
    if re.search(r"^\s*refstorage\s*=\s*reftable\b", text, re.IGNORECASE | re.MULTILINE):
        raise UnreadableFormat(
            "the repository keeps its references in git's reftable format, which sekit's history "
            "reader (dulwich) cannot read: ask the team for a repository with the default "
            "(files) ref storage to have the history graded"
        )


def _refuse_escapes(folder: Path, root: Path) -> None:
    commondir = folder / "commondir"
    if commondir.exists():
        target = Path(commondir.read_text(encoding="utf-8", errors="replace").strip())
        if not _inside(target if target.is_absolute() else folder / target, root):
            raise RefusedRepository("the git folder's commondir leads outside the repository")
    alternates = folder / "objects" / "info" / "alternates"
    if alternates.exists():
        for line in alternates.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            target = Path(line) if Path(line).is_absolute() else folder / "objects" / line
            if not _inside(target, root):
                raise RefusedRepository(
                    "objects/info/alternates borrows objects from outside the repository"
                )
    for current, dirs, names in Walk(folder):
        for name in [*dirs, *names]:
            path = Path(current) / name
            if path.is_symlink() and not _inside(path, root):
                raise RefusedRepository(
                    f"{path.relative_to(folder.parent).as_posix()} is a symbolic link that "
                    "leads outside the repository"
                )


class GitHistory:
    """Read-only access to one repository's history (dulwich; nothing is executed).

    ``head`` chooses the commit that counts as the present (``--history`` grades the past).
    Call :meth:`close` when done (or use it as a context manager).
    """

    def __init__(self, folder: Path, *, head: str | None = None) -> None:
        from dulwich.errors import NotGitRepository
        from dulwich.repo import Repo

        self.folder = folder
        try:
            self._repo: Any = Repo(str(folder))  # dulwich's own types are looser than its use
        except (NotGitRepository, OSError, ValueError, KeyError) as exc:
            raise RefusedRepository(f"the git folder cannot be read: {exc}") from exc
        self._head = head
        self.truncated = False  # more than MAX_COMMITS commits: only the newest were read

    def close(self) -> None:
        self._repo.close()

    def __enter__(self) -> GitHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- commits ------------------------------------------------------------------------------

    @cached_property
    def head(self) -> str | None:
        if self._head is not None:
            return self._head
        try:
            return str(self._repo.head().decode())
        except (KeyError, OSError, ValueError):
            return None

    def _commit(self, raw: Any) -> Commit:
        author = raw.author.decode("utf-8", errors="replace")
        name, _, email = author.partition("<")
        message = raw.message.decode("utf-8", errors="replace")
        return Commit(
            sha=raw.id.decode(),
            subject=message.strip().split("\n", 1)[0] if message.strip() else "",
            author=name.strip(),
            email=email.rstrip(">").strip(),
            time=int(raw.author_time),
            parents=tuple(p.decode() for p in raw.parents),
        )

    @cached_property
    def commits(self) -> list[Commit]:
        """Every commit reachable from the head, newest first (as ``git log``)."""
        if self.head is None:
            return []
        try:
            walker = self._repo.get_walker(
                include=[self.head.encode()], max_entries=MAX_COMMITS + 1
            )
            found = [self._commit(entry.commit) for entry in walker]
        except (KeyError, OSError, ValueError, zlib.error):
            return []
        self.truncated = len(found) > MAX_COMMITS
        return found[:MAX_COMMITS]

    def read(self, sha: str, path: str) -> bytes | None:
        """The content of ``path`` at commit ``sha``, or None."""
        from dulwich.object_store import tree_lookup_path

        try:
            tree = self._repo[sha.encode()].tree
            _, blob = tree_lookup_path(self._repo.object_store.__getitem__, tree, path.encode())
            data: bytes = self._repo.object_store[blob].as_raw_string()
        except (KeyError, OSError, ValueError, AttributeError, zlib.error):
            return None
        return data

    def files(self, sha: str) -> dict[str, tuple[int, str]]:
        """path -> (mode, blob sha) of every file at commit ``sha``."""
        from dulwich.object_store import iter_tree_contents

        try:
            tree = self._repo[sha.encode()].tree
            return {
                entry.path.decode("utf-8", errors="replace"): (entry.mode, entry.sha.decode())
                for entry in iter_tree_contents(self._repo.object_store, tree)
            }
        except (KeyError, OSError, ValueError, AttributeError, zlib.error):
            return {}

    def tree(self, sha: str) -> str | None:
        """The tree id of commit ``sha`` (what its files are), or None."""
        try:
            return str(self._repo[sha.encode()].tree.decode())
        except (KeyError, OSError, ValueError, AttributeError, zlib.error):
            return None

    def blob(self, sha: str) -> bytes | None:
        try:
            data: bytes = self._repo.object_store[sha.encode()].as_raw_string()
        except (KeyError, OSError, ValueError, zlib.error):
            return None
        return data

    def changes(self, commit: Commit) -> list[Change]:
        """Files changed by a commit against its first parent, with added/deleted line counts.

        Lines are counted as a multiset difference of the two versions' lines (a line moved
        within a file is not counted, as in most diff statistics).
        """
        from dulwich.diff_tree import tree_changes

        try:
            new_tree = self._repo[commit.sha.encode()].tree
            old_tree = self._repo[commit.parents[0].encode()].tree if commit.parents else None
            found = []
            for change in tree_changes(self._repo.object_store, old_tree, new_tree):
                old = self._lines(change.old.sha) if change.old and change.old.sha else Counter()
                new = self._lines(change.new.sha) if change.new and change.new.sha else Counter()
                named = change.new if change.new and change.new.path else change.old
                path = (named.path if named is not None else None) or b""
                found.append(
                    Change(
                        path.decode("utf-8", errors="replace"),
                        sum((new - old).values()),
                        sum((old - new).values()),
                    )
                )
            return found
        except (KeyError, OSError, ValueError, AttributeError, zlib.error):
            return []

    def _lines(self, sha: bytes) -> Counter[bytes]:
        if (self.size(sha.decode()) or 0) > BLOB_LINES_LIMIT:
            return Counter()
        data = self.blob(sha.decode()) or b""
        if b"\x00" in data[:8192]:
            return Counter()
        return Counter(data.splitlines())

    def touching(self, path: str) -> list[Commit]:
        """Commits (newest first) whose change against the first parent includes ``path``."""
        found = []
        for commit in self.commits:
            before = self.read(commit.parents[0], path) if commit.parents else None
            after = self.read(commit.sha, path)
            if before != after:
                found.append(commit)
        return found

    # --- sizes of every blob in every branch -------------------------------------------------

    def reachable_blobs(self) -> Iterator[tuple[str, str]]:
        """(path, blob sha) of every file version reachable from any branch or tag."""
        from dulwich.object_store import iter_tree_contents

        heads = []
        for name, value in self._repo.get_refs().items():
            if (
                name.startswith((b"refs/heads/", b"refs/tags/", b"refs/remotes/"))
                or name == b"HEAD"
            ):
                heads.append(value)
        seen_commits: set[bytes] = set()
        seen_blobs: set[bytes] = set()
        try:
            walker = self._repo.get_walker(include=list(set(heads)))
            for entry in walker:
                commit = entry.commit
                if commit.id in seen_commits:
                    continue
                seen_commits.add(commit.id)
                for item in iter_tree_contents(self._repo.object_store, commit.tree):
                    if item.sha in seen_blobs or (item.mode & 0o170000) == 0o160000:
                        continue  # already seen, or a submodule
                    seen_blobs.add(item.sha)
                    yield item.path.decode("utf-8", errors="replace"), item.sha.decode()
        except (KeyError, OSError, ValueError, zlib.error):
            return

    @cached_property
    def _pack_offsets(self) -> list[tuple[Path, dict[str, int]]]:
        packs = []
        for index in sorted((self.folder / "objects" / "pack").glob("pack-*.idx")):
            offsets = read_pack_index(index)
            if offsets is not None:
                packs.append((index.with_suffix(".pack"), offsets))
        return packs

    def size(self, sha: str) -> int | None:
        """An object's size in bytes, read from its header (the object is not decompressed)."""
        loose = self.folder / "objects" / sha[:2] / sha[2:]
        if loose.is_file():
            return loose_size(loose)
        for pack, offsets in self._pack_offsets:
            if sha in offsets:
                return packed_size(pack, offsets[sha])
        return None
