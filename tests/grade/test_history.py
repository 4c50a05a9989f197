"""`sekit grade --history`: the grade of a repository's past, and a grade that rises with every
real step (the mllint example ladder, rebuilt locally)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.grade import grade_history
from sekit.grade.gitread import Commit
from sekit.grade.timeline import pick
from sekit_cli.app import cli
from tests.grade.ladder import STEPS

WEEK = 7 * 24 * 3600
START = 1_700_000_000


def build_ladder(root: Path) -> Path:
    """One commit per step of the ladder, a week apart."""
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for index, (name, changes) in enumerate(STEPS):
        for relative, content in changes.items():
            path = root / relative
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
        stamp = f"{START + index * WEEK} +0000"
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(
            [
                "git",
                "-c",
                "user.name=Bart",
                "-c",
                "user.email=b@uni.example",
                "commit",
                "-q",
                "-m",
                name,
            ],
            cwd=root,
            check=True,
            env={**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        )
    return root


@pytest.fixture(scope="module")
def ladder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ladder(tmp_path_factory.mktemp("ladder") / "basic")


def test_every_step_of_the_ladder_raises_the_grade(ladder: Path) -> None:
    curve = grade_history(ladder, every=1)
    assert [p.subject for p in curve.points] == [name for name, _ in STEPS]
    scores = [p.score for p in curve.points]
    assert all(s is not None for s in scores)
    steps = list(zip(curve.points, curve.points[1:], strict=False))
    lowered = [(a.subject, b.subject, a.score, b.score) for a, b in steps if b.score < a.score]  # type: ignore[operator]
    assert lowered == []
    flat = [(a.subject, b.subject, a.score) for a, b in steps if b.score == a.score]
    assert flat == [], "a step that adds a capability left the grade unchanged"


def test_one_point_per_week_by_default(ladder: Path) -> None:
    curve = grade_history(ladder)
    assert curve.by == "week"
    assert len(curve.points) == len(STEPS)  # one commit a week
    assert curve.points[0].date < curve.points[-1].date


def test_pick_takes_the_last_commit_of_each_week_or_every_nth() -> None:
    commits = [
        Commit(f"{i:040x}", f"c{i}", "a", "a@x", START + i * 24 * 3600, ()) for i in range(20)
    ]
    weekly = pick(list(reversed(commits)), every=None)
    assert len(weekly) in (3, 4)
    assert weekly[-1].subject == "c19"
    every = pick(commits, every=6)
    assert [c.subject for c in every] == ["c0", "c6", "c12", "c18", "c19"]


def test_the_cli_prints_and_plots_the_curve(ladder: Path, tmp_path: Path) -> None:
    html = tmp_path / "curve.html"
    result = CliRunner().invoke(
        cli, ["grade", str(ladder), "--history", "--every", "3", "--html", str(html)]
    )
    assert result.exit_code == 0, result.output
    assert "readiness over time" in result.stdout and "1-10-basic-tests" in result.stdout
    page = html.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "polyline" in page
    document = json.loads(
        CliRunner().invoke(cli, ["grade", str(ladder), "--history", "--format", "json"]).stdout
    )
    assert document["by"] == "week" and len(document["points"]) == len(STEPS)


def test_history_needs_one_repository_with_history(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.py").write_text("x = 1\n")
    result = CliRunner().invoke(cli, ["grade", str(tmp_path / "plain"), "--history"])
    assert result.exit_code == 2 and "cannot grade its history" in result.stderr
    both = CliRunner().invoke(cli, ["grade", str(tmp_path), str(tmp_path), "--history"])
    assert both.exit_code == 2
    assert CliRunner().invoke(cli, ["grade", str(tmp_path), "--every", "2"]).exit_code == 2


def test_a_past_tree_is_exported_without_links_or_escapes(tmp_path: Path) -> None:
    from sekit.grade.gitread import GitHistory
    from sekit.grade.timeline import export

    root = tmp_path / "r"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / "a.txt").write_text("a")
    (root / "link").symlink_to("/etc/passwd")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(
        ["git", "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "-m", "x"],
        cwd=root,
        check=True,
    )
    target = tmp_path / "out"
    target.mkdir()
    with GitHistory(root / ".git") as history:
        assert history.head is not None
        assert export(history, history.head, target) == 1
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
