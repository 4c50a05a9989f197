"""Any repository is graded or reported as ungradable, never a crash; one team's failure never
stops the class."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sekit.grade import grade
from sekit.grade.detectors import ITEMS, Outcome
from sekit.grade.repository import MAX_FILES, Repository
from sekit.grade.rubric import Rubric, builtin
from tests.grade.conftest import Repo


def test_symlinks_pointing_outside_are_not_followed(repo: Repo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    root = repo({"README.md": "hello"})
    (root / "leak.txt").symlink_to(secret)
    (root / "everything").symlink_to(tmp_path)
    (root / "inside.md").symlink_to(root / "README.md")
    (root / "broken").symlink_to(tmp_path / "missing")
    files = Repository(root).files
    assert "leak.txt" not in files and "broken" not in files
    assert not any(f.startswith("everything") for f in files)
    assert "inside.md" in files


def test_binary_and_non_utf8_files_are_read_safely(repo: Repo) -> None:
    root = repo(
        {
            "data.bin": b"\x00\x01\x02" * 1000,
            "notes.md": "caf\xe9 na\xefve".encode("latin-1"),
            "README.md": "# Team\n",
        }
    )
    repository = Repository(root)
    assert repository.text("data.bin") is None
    assert repository.text("notes.md") == "caf\ufffd na\ufffdve"
    [team] = grade([root]).teams
    assert team.score is not None


def test_a_huge_repository_is_capped_and_says_so(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sekit.grade.repository as repository

    monkeypatch.setattr(repository, "MAX_FILES", 50)
    root = repo({f"f/{i}.py": "x = 1\n" for i in range(120)}, git=False)
    [team] = grade([root]).teams
    assert team.score is not None
    assert team.notes == ["only the first 50 files were scanned"]
    assert MAX_FILES == 20_000


def test_no_git_and_a_garbled_git_folder(repo: Repo) -> None:
    plain = repo({"README.md": "# x\n"}, git=False)
    garbled = repo({"README.md": "# x\n", ".git/HEAD": b"\xff\xfe garbage"}, git=False)
    teams = grade([plain, garbled]).teams
    assert all(t.score is not None for t in teams)
    assert all(next(i for i in t.items if i.id == "vcs.git").status == "missing" for t in teams)


def test_an_empty_folder_is_ungradable_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    [team] = grade([tmp_path / "empty"]).teams
    assert team.score is None
    assert team.reason == "the folder holds no files to grade"


def test_one_teams_failure_never_stops_the_class(repo: Repo) -> None:
    good = repo({"README.md": "# good\n"})
    bad = repo({"README.md": "# bad\n", "POISON": "x"})
    original = ITEMS["docs.readme"]

    def fragile(repository: Repository) -> Outcome:
        if "POISON" in repository.files:
            raise RuntimeError("detector broke")
        return original(repository)

    rubric = builtin()
    broken = [replace(i, detect=fragile) if i is original else i for i in rubric.items]
    teams = grade([good, bad], jobs=2, rubric=Rubric(rubric.version, tuple(broken))).teams
    assert teams[0].score is not None
    # one part that breaks is a partial grade: that item is not assessed and earns nothing
    assert teams[1].score is not None
    [readme] = [
        i
        for i in teams[1].items
        if i.status == "not_assessed" and "detector broke" in " ".join(i.evidence)
    ]
    assert readme.points == 0 and "please report it" in readme.evidence[0]


def test_a_repository_that_breaks_grading_gets_a_reason_to_act_on(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sekit.grade as grading

    root = repo({"README.md": "# x\n"})

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(grading, "grade_files", broken)
    [team] = grade([root]).teams
    assert team.score is None
    assert team.reason == (
        "cannot be graded: its files are nested too deeply to read; ask the team to flatten "
        "the folders"
    )


def test_a_very_deep_folder_tree_is_graded_and_says_what_was_not_read(repo: Repo) -> None:
    """Thousands of nested folders (os.walk recursed into RecursionError on Python 3.11):
    graded, the folders below 64 levels noted."""
    root = repo({"README.md": "# Team\n", "src/train.py": "x = 1\n"})
    deep = root
    for _ in range(1500):
        deep = deep / "d"
        try:
            deep.mkdir()
        except OSError:  # the system's path length limit: deep enough
            break
    (deep.parent / "hidden.py").write_text("y = 2\n")
    try:
        [team] = grade([root]).teams
        assert team.score is not None, team.reason
        assert any("deeper than 64 levels were not read" in n for n in team.notes)
        assert "src/train.py" in Repository(root).files
    finally:  # shutil.rmtree (pytest's clean-up) recurses too: take the tree down from below
        (deep.parent / "hidden.py").unlink()
        while deep != root:
            if deep.exists():
                deep.rmdir()
            deep = deep.parent


def test_a_sha256_repository_is_graded_without_its_history_and_says_why(
    repo: Repo, tmp_path: Path
) -> None:
    import subprocess

    root = tmp_path / "sha256-team"
    root.mkdir()
    (root / "README.md").write_text("# Team\n")
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "--object-format=sha256", str(root)], check=True)
    subprocess.run([*git, "-C", str(root), "add", "."], check=True)
    subprocess.run([*git, "-C", str(root), "commit", "-qm", "start"], check=True)
    [team] = grade([root]).teams
    assert team.score is not None, team.reason
    [vcs] = [i for i in team.items if i.id == "vcs.git"]
    assert vcs.status == "not_assessed" and vcs.points == 0
    assert "SHA-256 object format" in vcs.evidence[0] and "SHA-1" in vcs.evidence[0]
    readme = next(i for i in team.items if "readme" in i.id.lower() or "README" in i.title)
    assert readme.status != "not_assessed"  # the files were graded


def test_grading_never_writes_into_the_repository(repo: Repo) -> None:
    root = repo({"README.md": "# x\n", "src/train.py": "print('never run')\n"})
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    grade([root])
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_a_very_long_history_is_capped_and_says_so(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sekit.grade.gitread as gitread

    monkeypatch.setattr(gitread, "MAX_COMMITS", 3)
    root = repo({"README.md": "# x\n"}, commits=5)
    [team] = grade([root]).teams
    assert team.score is not None
    assert "only the newest 3 commits were read" in team.notes
    [vcs] = [i for i in team.items if i.id == "vcs.git"]
    assert vcs.evidence[0].startswith("3 commits")
