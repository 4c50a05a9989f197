"""Grading without --run runs nothing of a repository, whatever its git folder says.

Each trap is proved live first: the program it names really runs when git itself reads the
repository (as sekit's grader once did). Then sekit grades the same repository and nothing runs.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from sekit.grade import grade
from sekit.grade.repository import Repository
from tests.grade.conftest import Repo

VECTORS = (
    "fsmonitor",
    "pager",
    "gpg",
    "external-diff",
    "textconv",
    "filter-smudge",
    "filter-clean",
    "filter-process",
    "credential",
    "ssh",
    "hook",
    "hooks-path",
)


def evil_script(folder: Path, markers: Path) -> Path:
    script = folder / "evil.sh"
    script.write_text(f'#!/bin/sh\ntouch "{markers}/ran-$1"\ncat >/dev/null 2>&1 &\nexit 0\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def signed_commit(root: Path) -> None:
    """Make HEAD a commit carrying a (fake) signature header, as `git commit -S` writes."""

    def git(*args: str, stdin: str | None = None) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, text=True, check=True
        ).stdout.strip()

    tree = git("rev-parse", "HEAD^{tree}")
    parent = git("rev-parse", "HEAD")
    body = (
        f"tree {tree}\nparent {parent}\n"
        "author Eve <eve@uni.example> 1700000000 +0000\n"
        "committer Eve <eve@uni.example> 1700000000 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEfakefakefake\n"
        " -----END PGP SIGNATURE-----\n\nsigned work\n"
    )
    sha = git("hash-object", "-t", "commit", "-w", "--stdin", stdin=body)
    branch = git("symbolic-ref", "HEAD")
    git("update-ref", branch, sha)


def trapped_repository(repo: Repo, tmp_path: Path) -> tuple[Path, Path]:
    markers = tmp_path / "markers"
    markers.mkdir()
    root = repo(
        {
            "README.md": "# A team\n" + "word " * 200,
            "data.csv": "a,b\n1,2\n",
            "src/train.py": "print('never run')\n",
            ".gitattributes": "* diff=evil filter=evil\n",
        },
        commits=3,
    )
    signed_commit(root)
    evil = evil_script(tmp_path, markers)
    with (root / ".git" / "config").open("a") as config:
        config.write(
            f"[core]\n\tfsmonitor = {evil} fsmonitor\n\tpager = {evil} pager\n"
            f"\tsshCommand = {evil} ssh\n\thooksPath = {root}/.git/evil-hooks\n"
            f"[log]\n\tshowSignature = true\n"
            f"[gpg]\n\tprogram = {evil}\n"
            f"[diff]\n\texternal = {evil}\n"
            f'[diff "evil"]\n\ttextconv = {evil} textconv\n'
            f'[filter "evil"]\n\tsmudge = {evil} filter-smudge\n\tclean = {evil} filter-clean\n'
            f"\tprocess = {evil} filter-process\n"
            f"[credential]\n\thelper = {evil} credential\n"
        )
    for folder, vector in (
        (root / ".git" / "hooks", "hook"),
        (root / ".git" / "evil-hooks", "hooks-path"),
    ):
        folder.mkdir(exist_ok=True)
        for hook in (
            "post-checkout",
            "pre-commit",
            "post-merge",
            "reference-transaction",
            "pre-auto-gc",
        ):
            path = folder / hook
            path.write_text(f"#!/bin/sh\n{evil} {vector}\n")
            path.chmod(0o755)
    return root, markers


def test_the_traps_are_live_when_git_reads_the_repository(repo: Repo, tmp_path: Path) -> None:
    root, markers = trapped_repository(repo, tmp_path)
    subprocess.run(
        ["git", "-c", f"safe.directory={root}", "log", "-3"],
        cwd=root,
        capture_output=True,
        env={**os.environ, "GIT_PAGER": ""},
    )
    subprocess.run(["git", "status"], cwd=root, capture_output=True)
    assert list(markers.iterdir()), "git itself ran none of the trapped programs"


def test_grading_a_trapped_repository_runs_nothing(repo: Repo, tmp_path: Path) -> None:
    root, markers = trapped_repository(repo, tmp_path)
    [team] = grade([root]).teams
    assert list(markers.iterdir()) == []
    assert team.score is not None and team.score > 0
    git_item = next(i for i in team.items if i.id == "vcs.git")
    assert git_item.status == "partial" and git_item.evidence[0].startswith("4 commits")
    assert "signed work" in git_item.evidence[0]
    assert {m["name"] for m in team.process["members"]} == {"Student", "Eve"}


def test_a_git_file_that_points_to_another_team_is_refused(repo: Repo) -> None:
    other = repo({"README.md": "# other team\n"}, commits=7)
    mine = repo({"README.md": "# mine\n"}, git=False)
    (mine / ".git").write_text(f"gitdir: {os.path.relpath(other / '.git', mine)}\n")
    [team] = grade([mine]).teams
    git_item = next(i for i in team.items if i.id == "vcs.git")
    assert git_item.status == "missing"
    assert "outside the repository" in git_item.evidence[0]
    assert team.process == {}
    assert any("git history not read: .git points to" in note for note in team.notes)


def test_a_git_file_inside_the_repository_is_followed(repo: Repo) -> None:
    root = repo({"README.md": "# x\n"}, commits=6)
    (root / ".git").rename(root / "git-data")
    (root / ".git").write_text("gitdir: git-data\n")
    assert Repository(root).is_git
    assert len(Repository(root).commits) == 6


def test_borrowed_objects_and_links_out_of_git_are_refused(repo: Repo) -> None:
    other = repo({"README.md": "# other\n"}, commits=2)
    borrowing = repo({"README.md": "# borrowing\n"}, commits=1)
    (borrowing / ".git" / "objects" / "info").mkdir(parents=True, exist_ok=True)
    (borrowing / ".git" / "objects" / "info" / "alternates").write_text(
        str(other / ".git" / "objects") + "\n"
    )
    linking = repo({"README.md": "# linking\n"}, commits=1)
    (linking / ".git" / "refs" / "heads" / "stolen").symlink_to(other / ".git" / "HEAD")
    for root, reason in (
        (borrowing, "alternates borrows objects from outside the repository"),
        (linking, "is a symbolic link that leads outside the repository"),
    ):
        repository = Repository(root)
        assert repository.history is None
        assert reason in repository.notes[0]


@pytest.mark.parametrize("fake", ["missing", "silent", "broken"])
def test_a_missing_or_broken_ruff_is_not_assessed_never_met(
    fake: str, repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sekit.grade.detectors.quality as quality

    root = repo({"src/a.py": "x = 1\n" * 50})
    [working] = grade([root]).teams
    if fake == "missing":
        monkeypatch.setattr(quality, "_ruff", lambda: None)
    else:
        program = tmp_path / "ruff"
        program.write_text(
            "#!/bin/sh\nexit 0\n" if fake == "silent" else "#!/bin/sh\necho boom >&2\nexit 2\n"
        )
        program.chmod(0o755)
        monkeypatch.setattr(quality, "_ruff", lambda: [str(program)])
    [team] = grade([root]).teams
    for item_id in ("quality.lint_clean", "quality.formatted"):
        item = next(i for i in team.items if i.id == item_id)
        assert item.status == "not_assessed" and item.points == 0 and item.max_points > 0
        assert "ruff" in item.evidence[0]
    assert team.score is not None and working.score is not None and team.score < working.score


def test_a_team_cannot_point_the_config_reader_at_the_instructors_files(
    repo: Repo, tmp_path: Path
) -> None:
    secret = tmp_path / "instructor.toml"
    secret.write_text('[project]\nname = "SECRET-TOKEN-123"\n')
    root = repo({"README.md": "# x\n"})
    (root / "sekit.toml").symlink_to(secret)
    [team] = grade([root]).teams
    assert "SECRET-TOKEN-123" not in team.model_dump_json()
    assert next(i for i in team.items if i.id == "ml.gates").status == "missing"


def test_nothing_of_the_repository_changes(repo: Repo, tmp_path: Path) -> None:
    root, _ = trapped_repository(repo, tmp_path)

    def snapshot() -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()
        }

    before = snapshot()
    grade([root])
    assert snapshot() == before
