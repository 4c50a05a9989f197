"""The JSON of SPEC.md, CSV for the LMS, HTML, history, instructors' rubrics, the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.errors import ConfigError
from sekit.grade import grade
from sekit.grade.render import to_csv, to_html
from sekit.grade.rubric import RUBRIC_VERSION, load_rubric
from sekit_cli.app import cli
from tests.grade.conftest import Repo, commit

GOOD = {
    "README.md": "# Good team\n" + "word " * 200,
    "pyproject.toml": '[project]\nname = "good-team"\ndependencies = ["pandas"]\n',
    "tests/test_a.py": "".join(f"def test_{i}():\n    pass\n" for i in range(12)),
}


def class_of(repo: Repo, tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    for name, files in (("alpha", GOOD), ("beta", {"README.md": "# beta\n"})):
        root = repo(files)
        root.rename(folder / name)
    (folder / "gamma").mkdir()  # an empty submission
    return folder


def test_the_json_has_the_shape_of_the_spec(repo: Repo, tmp_path: Path) -> None:
    folder = class_of(repo, tmp_path)
    result = CliRunner().invoke(
        cli,
        ["grade", "--each", str(folder), "--format", "json", "--db", str(tmp_path / "g.sqlite")],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["rubric_version"] == RUBRIC_VERSION
    alpha, beta, gamma = document["teams"]
    assert alpha["team"] == "alpha" and 0 <= alpha["score"] <= 100  # the folder, not pyproject
    assert set(alpha["mlts"]) >= {"data", "model", "infra", "monitor", "final"}
    assert {"id", "status", "points", "evidence"} <= set(alpha["items"][0])
    assert alpha["score"] > beta["score"]
    assert gamma["score"] is None and gamma["reason"]
    assert "sekit: warning:" in result.stderr


def test_csv_has_one_row_per_team_ranked(repo: Repo, tmp_path: Path) -> None:
    report = grade([class_of(repo, tmp_path)], each=True)
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [r["team"] for r in rows] == ["alpha", "beta", "gamma"]
    assert [r["rank"] for r in rows] == ["1", "2", ""]
    assert rows[2]["reason"]
    assert float(rows[0]["score"]) > float(rows[1]["score"])


def test_html_is_one_offline_file(repo: Repo, tmp_path: Path) -> None:
    html = to_html(grade([class_of(repo, tmp_path)], each=True))
    assert html.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    assert "alpha" in html and "the folder holds no files to grade" in html
    assert html.count("<svg") >= 2


def test_history_shows_the_trend_across_runs(repo: Repo, tmp_path: Path) -> None:
    root = repo({"README.md": "# x\n"})
    db = tmp_path / "grades.sqlite"
    first = grade([root], db=db).teams[0]
    (root / "README.md").write_text("# x\n" + "word " * 200)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["a"]\n')
    commit(root, "more")
    second = grade([root], db=db).teams[0]
    assert second.trend == [first.score]
    assert second.score is not None and first.score is not None and second.score > first.score


def test_an_instructors_rubric(repo: Repo, tmp_path: Path) -> None:
    rubric = tmp_path / "rubric.toml"
    rubric.write_text(
        'version = "m2"\ndisable = ["vcs.data_versioning"]\n'
        '[weights]\n"docs.readme" = 20\n'
        '[[items]]\nid = "milestone.feedback"\ntitle = "a feedback endpoint"\n'
        'points = 5\nfiles = ["src/*.py"]\npattern = "/feedback"\n'
    )
    chosen = load_rubric(rubric)
    with_endpoint = repo({"src/serve.py": "@app.post('/feedback')\n"})
    without = repo({"src/serve.py": "@app.post('/predict')\n"})
    teams = grade([with_endpoint, without], rubric=chosen).teams
    ids = [i.id for i in teams[0].items]
    assert "vcs.data_versioning" not in ids and "milestone.feedback" in ids
    readme = next(i for i in teams[0].items if i.id == "docs.readme")
    assert readme.max_points == 20
    assert next(i for i in teams[0].items if i.id == "milestone.feedback").status == "met"
    assert next(i for i in teams[1].items if i.id == "milestone.feedback").status == "missing"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'disable = ["vcs.gti"]\nversion = "x"\n',
            "unknown rubric item 'vcs.gti' (did you mean 'vcs.git'?)",
        ),
        (
            'version = "x"\n[[items]]\nid = "m"\ntitle = "t"\npoints = 1\nfiles = ["a"]\n'
            'pattern = "("\n',
            "not a regular expression",
        ),
        ('version = "x"\nweight = 1\n', "Extra inputs are not permitted"),
        ("version = ", "not a TOML rubric"),
    ],
)
def test_broken_rubrics_exit_2(text: str, message: str, tmp_path: Path) -> None:
    rubric = tmp_path / "rubric.toml"
    rubric.write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_rubric(rubric)
    result = CliRunner().invoke(cli, ["grade", str(tmp_path), "--rubric", str(rubric)])
    assert result.exit_code == 2


def test_cli_writes_csv_and_html_and_needs_a_path(repo: Repo, tmp_path: Path) -> None:
    folder = class_of(repo, tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "grade",
            "--each",
            str(folder),
            "--csv",
            str(tmp_path / "g.csv"),
            "--html",
            str(tmp_path / "g.html"),
            "--db",
            str(tmp_path / "g.sqlite"),
        ],
    )
    assert result.exit_code == 0
    assert "alpha" in result.stdout
    assert (tmp_path / "g.csv").is_file() and (tmp_path / "g.html").is_file()
    assert CliRunner().invoke(cli, ["grade"]).exit_code == 2
    missing = CliRunner().invoke(cli, ["grade", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such folder" in missing.stderr


def test_process_counts_commits_and_lines_per_member(repo: Repo) -> None:
    root = repo({"a.py": "x = 1\n"})
    (root / "b.py").write_text("y = 2\nz = 3\n")
    commit(root, "add b", author="Ben")
    [team] = grade([root]).teams
    members = {m["name"]: m for m in team.process["members"]}
    assert members["Ben"]["commits"] == 1 and members["Ben"]["added"] == 2
    assert members["Student"]["commits"] == 1
    assert sum(team.process["weeks"].values()) == 2


def test_a_team_cannot_choose_its_name_or_inject_a_formula(repo: Repo, tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    for name, project in (("team-01", '=HYPERLINK("http://x","team-02")'), ("team-02", "ok")):
        root = repo(
            {
                "pyproject.toml": f"[project]\nname = '{project}'\n",
                "sekit.toml": f"[project]\nname = '{project}'\n",
            }
        )
        root.rename(folder / name)
    report = grade([folder], each=True)
    assert [t.team for t in report.teams] == ["team-01", "team-02"]
    roster = tmp_path / "roster.csv"
    roster.write_text("folder,team,members\nteam-01,=1+1,Ana\nteam-02,Team Two,Ben\n")
    from sekit.grade.roster import load_roster

    named = grade([folder], each=True, roster=load_roster(roster))
    assert [t.team for t in named.teams] == ["=1+1", "Team Two"]
    rows = list(csv.reader(io.StringIO(to_csv(named))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=1+1" in cells and "=1+1" not in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert all(not c.startswith("-") or re.fullmatch(r"-[\d.]+", c) for c in cells)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("team\nx\n", "needs a header with 'folder' and 'team' columns"),
        ("folder,team\nteam-01,\n", ":2: a roster line needs both a folder and a team"),
        ("folder,team\na,A\na,B\n", ":3: folder 'a' is listed twice"),
        ("folder,team\n", "the roster lists no teams"),
    ],
)
def test_a_broken_roster_exits_2(text: str, message: str, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    (tmp_path / "team").mkdir()
    result = CliRunner().invoke(cli, ["grade", str(tmp_path / "team"), "--roster", str(roster)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.slow  # grades two repositories
def test_the_untouched_template_is_the_zero_line(tmp_path: Path) -> None:
    from sekit.scaffold import create, plan

    target = tmp_path / "demo-team"
    create(plan("demo-team", target=target))
    fresh = grade([target]).teams[0]
    assert fresh.template is not None and fresh.template.source.startswith("scaffold commit")
    assert fresh.score == fresh.template.score and fresh.gain == 0.0
    tests = target / "tests" / "test_more.py"
    tests.write_text("".join(f"def test_{i}():\n    assert {i} >= 0\n\n" for i in range(30)))
    (target / "docs" / "activity-report.md").write_text(
        "# Activity\n" + " ".join(f"week {i} we measured the model on new data" for i in range(30))
    )
    commit(target, "our own tests and a report")
    worked = grade([target]).teams[0]
    assert worked.template is not None and worked.template.score == fresh.template.score
    assert worked.gain is not None and worked.gain > 0
    row = next(csv.DictReader(io.StringIO(to_csv(grade([target])))))
    assert float(row["template_score"]) == fresh.template.score
    assert float(row["gain"]) == worked.gain
    document = json.loads(grade([target]).model_dump_json())
    assert document["teams"][0]["gain"] == worked.gain
    assert document["teams"][0]["template"]["score"] == fresh.template.score


def test_a_template_without_its_history_is_regenerated(tmp_path: Path) -> None:
    from sekit.scaffold import create, plan

    target = tmp_path / "demo-team"
    create(plan("demo-team", target=target), git=False)
    [team] = grade([target]).teams
    assert team.template is not None
    assert team.template.source == "regenerated: sekit new demo-team --template classification"
    assert team.gain == 0.0


def test_a_repository_given_as_dot_is_named_by_its_folder(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sekit grade .` in a team's folder (the tutorial's Friday): the team was named ''."""
    root = repo(GOOD)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(
        cli, ["grade", ".", "--format", "json", "--db", str(tmp_path / "g.sqlite")]
    )
    assert result.exit_code == 0, result.output
    [team] = json.loads(result.stdout)["teams"]
    assert team["team"] == root.name != ""
