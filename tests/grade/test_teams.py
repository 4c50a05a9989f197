"""A team of several repositories gets one grade: each item where it is, the evidence naming
the repository, the items every repository must keep taken from the worst."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sekit.grade import grade
from sekit.grade.model import TeamGrade
from sekit.grade.roster import load_roster
from sekit_cli.app import cli
from tests.grade.remla import remla_team


def _item(team: TeamGrade, item: str) -> tuple[str, list[str]]:
    found = next(i for i in team.items if i.id == item)
    return found.status, found.evidence


def test_six_repositories_one_grade(tmp_path: Path) -> None:
    repos = remla_team(tmp_path / "team13")
    roster = dict.fromkeys(repos, "Team 13")
    report = grade(list(repos.values()), roster=roster)
    assert [t.team for t in report.teams] == ["Team 13"]
    team = report.teams[0]
    assert [Path(r.path).name for r in team.repositories] == list(repos)
    assert team.score is not None
    assert all(team.score > (r.score or 0) for r in team.repositories)
    # each item where it belongs, named
    status, evidence = _item(team, "ops.service")
    assert status == "met" and evidence[0].startswith("[model-service] src/app.py")
    status, evidence = _item(team, "ops.alerting")
    assert status == "met"
    assert evidence[0] == (
        "[operation] alert rule: helm-chart/templates/alerting.yaml:9: - alert: ManySlowRequests"
    )
    # an item of parts earns each part where it is: the image here, its orchestration there
    status, evidence = _item(team, "ops.container")
    assert status == "met"
    assert {line.split("]")[0] for line in evidence} >= {"[model-training", "[operation"}
    status, evidence = _item(team, "ops.monitoring")
    assert status == "met"  # measured in the app's back end, scraped by operation's chart
    status, evidence = _item(team, "ops.app")
    assert status == "partial"
    assert any(e.startswith("[app] calls the model: backend/app.py") for e in evidence)
    status, _ = _item(team, "tests.data")
    assert status != "missing"


def test_model_training_alone_is_held_to_what_lives_elsewhere(tmp_path: Path) -> None:
    repos = remla_team(tmp_path / "team13")
    alone = grade([repos["model-training"]]).teams[0]
    assert _item(alone, "ops.service")[0] == "missing"
    assert _item(alone, "ops.alerting")[0] == "missing"
    team = grade(list(repos.values()), roster=dict.fromkeys(repos, "Team 13")).teams[0]
    assert _item(team, "ops.service")[0] == "met"


def test_a_key_in_any_repository_costs_the_team(tmp_path: Path) -> None:
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    repos = remla_team(
        tmp_path / "team13", change={"lib-version": {"release.py": f'TOKEN = "{token}"\n'}}
    )
    team = grade(list(repos.values()), roster=dict.fromkeys(repos, "Team 13")).teams[0]
    status, evidence = _item(team, "quality.secrets")
    assert status == "missing"
    assert evidence[0].startswith("[lib-version] ")
    assert evidence[-1] == "worst of 6 repositories: each one must meet it"


def test_a_roster_of_paths_grades_a_class_without_paths(tmp_path: Path) -> None:
    lines = ["folder,team"]
    for number in (13, 8):
        repos = remla_team(tmp_path / "class" / f"remla25-team{number}")
        lines += [f"remla25-team{number}/{name},Team {number}" for name in repos]
    roster = tmp_path / "class" / "roster.csv"
    roster.write_text("\n".join(lines) + "\n")
    assert len(load_roster(roster)) == 12
    result = CliRunner().invoke(
        cli,
        ["grade", "--roster", str(roster), "--format", "json", "--db", str(tmp_path / "g.db")],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert sorted(t["team"] for t in document["teams"]) == ["Team 13", "Team 8"]
    assert all(len(t["repositories"]) == 6 for t in document["teams"])
    assert all("parts" not in item for t in document["teams"] for item in t["items"])


def test_a_repository_that_cannot_be_graded_is_named(tmp_path: Path) -> None:
    repos = remla_team(tmp_path / "team13")
    empty = tmp_path / "team13" / "lib-empty"
    empty.mkdir()
    names = dict.fromkeys([*repos, "lib-empty"], "Team 13")
    team = grade([*repos.values(), empty], roster=names).teams[0]
    assert team.score is not None
    assert "lib-empty could not be graded: the folder holds no files to grade" in team.notes
