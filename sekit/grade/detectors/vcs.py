"""Version control: history, no large files in it, data versioned outside git."""

from __future__ import annotations

import configparser
import re

from sekit.grade.bots import is_bot
from sekit.grade.detectors.common import Outcome, line_of, scaled
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

LARGE_BLOB = 5_000_000
DATA_SUFFIXES = (
    ".csv",
    ".tsv",
    ".parquet",
    ".jsonl",
    ".xml",
    ".xlsx",
    ".pkl",
    ".pk1",
    ".pickle",
    ".jbl",
    ".joblib",
    ".npy",
    ".npz",
    ".h5",
    ".hdf5",
    ".zip",
    ".gz",
    ".feather",
    ".arrow",
    ".sqlite",
    ".db",
    ".txt",
)
DATA_IN_GIT = 200_000  # a data-like file this large in git should be versioned by DVC or LFS


def _why_no_history(repo: Repository) -> str:
    refused = [n for n in repo.notes if n.startswith("git history not read")]
    return refused[0] if refused else "no .git folder: the project is not under version control"


@item("vcs.git", "version control", "the project is a git repository with history", points=3)
def git(repo: Repository) -> Outcome:
    """A share per commit of the team in the history (bots left out), full at five (read without
    running git)."""
    if repo.history is None:
        if repo.unreadable_history is not None:  # it exists: not assessed, never met
            return Outcome("not_assessed", [repo.unreadable_history])
        return Outcome("missing", [_why_no_history(repo)])
    commits = [c for c in repo.commits if not is_bot(c.author, c.email)]
    by_bots = len(repo.commits) - len(commits)
    if not commits:
        return Outcome("missing", [f"{by_bots} commits, all by bots: none by the team"])
    latest = commits[0]
    evidence = [f"{len(commits)} commits; latest: {latest.short} {latest.subject}"]
    if by_bots:
        evidence.append(f"{by_bots} commits by bots left out")
    return scaled(len(commits) / 5, evidence)


@item("vcs.no_large_files", "version control", "no large files in the git history", points=3)
def no_large_files(repo: Repository) -> Outcome:
    """No file version over 5 MB anywhere in the history (every branch and tag), sized from
    git's object headers."""
    history = repo.history
    if history is None:
        return Outcome("missing", ["no git history to check"])
    large = []
    for path, sha in history.reachable_blobs():
        size = history.size(sha)
        if size is not None and size > LARGE_BLOB:
            large.append((size, path))
    if large:
        large.sort(reverse=True)
        return Outcome(
            "missing",
            [f"{path}: {size / 1e6:.1f} MB in the history" for size, path in large[:5]]
            + ["version large files with DVC or git LFS instead"],
        )
    return Outcome("met", [f"no file over {LARGE_BLOB / 1e6:.0f} MB in the history"])


def _dvc_remote(repo: Repository) -> tuple[str | None, str | None]:
    """(remote name, evidence) from .dvc/config; the default remote or any named one."""
    if ".dvc/config" not in repo.files:
        return None, None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(repo.text(".dvc/config") or "")
    except configparser.Error:
        return None, None
    remotes = [
        match.group(1)
        for section in parser.sections()
        if (match := re.fullmatch(r"""\s*['"]?remote\s+"(.+?)"['"]?\s*""", section))
    ]
    if not remotes:
        return None, None
    default = parser.get("core", "remote", fallback=None) if parser.has_section("core") else None
    name = str(default) if default in remotes else remotes[0]
    return name, line_of(repo, ".dvc/config", rf'remote\s+"{re.escape(name)}"')


def _data_in_git(repo: Repository) -> list[str]:
    """Data-like files of some size committed to git at the head."""
    history = repo.history
    if history is None or history.head is None:
        return []
    found = []
    for path, (_mode, sha) in history.files(history.head).items():
        if not path.lower().endswith(DATA_SUFFIXES) or path.endswith(".dvc"):
            continue
        if path.rsplit("/", 1)[-1].lower() in ("requirements.txt", "readme.txt", "license.txt"):
            continue
        size = history.size(sha) or 0
        if size >= DATA_IN_GIT:
            found.append(f"{path} ({size / 1e6:.1f} MB)")
    return found


@item(
    "vcs.data_versioning",
    "version control",
    "data versioned (DVC with a remote, git LFS)",
    points=4,
)
def data_versioning(repo: Repository) -> Outcome:
    """DVC (tracked data, a remote, data kept out of git) or git LFS: a share for each."""
    evidence: list[str] = []
    share = 0.0
    tracked = repo.exists("*.dvc") + [
        f for f in repo.exists("*dvc.yaml") if "outs:" in (repo.text(f) or "")
    ]
    lfs = repo.grep(r"filter=lfs", (".gitattributes", "*/.gitattributes"))
    if tracked:
        share += 0.4
        evidence.append(f"DVC tracks: {', '.join(tracked[:3])}")
    elif lfs:
        share += 0.4
        evidence.append(f"git LFS: {lfs[0]}")
    elif ".dvc/config" in repo.files:
        share += 0.2
        evidence.append(".dvc/config: DVC initialised, but no data tracked (no .dvc file or outs)")
    remote, where = _dvc_remote(repo)
    if remote:
        share += 0.3
        evidence.append(f"DVC remote {remote!r}: {where}")
    elif lfs:
        share += 0.3
        evidence.append("git LFS stores the data with the git host")
    elif tracked:
        evidence.append("no DVC remote configured: `dvc push` has nowhere to go")
    committed = _data_in_git(repo)
    if committed:
        evidence.append(f"data committed to git: {', '.join(committed[:3])}")
    elif repo.history is not None and share > 0:
        share += 0.3
        evidence.append("no data files over 0.2 MB committed to git")
    if share == 0:
        ignored = repo.grep(r"^/?data/?(\*\*?)?$", (".gitignore",))
        if ignored:
            return Outcome(
                "partial",
                [f"{ignored[0]}: data is kept out of git but not versioned"],
                0.2,
            )
        return Outcome("missing", ["no DVC, no git LFS, and data is not kept out of git"])
    return scaled(share, evidence)


ITEMS: tuple[Item, ...] = (git, no_large_files, data_versioning)
