"""`sekit new`: safe to run (names, existing folders, --pretend, rollback) and every generated
file valid (Python, TOML, the config, CI schemas, the Dockerfile, lint)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.config.loader import load_config
from sekit.errors import UsageError
from sekit.scaffold import (
    COMMIT_SUBJECT,
    CONFIG_HEADER,
    TEMPLATES,
    TODO_MARKER,
    Plan,
    create,
    package_name,
    plan,
)
from sekit_cli.app import cli


def new(*args: str) -> object:
    return CliRunner().invoke(cli, ["new", *args])


@pytest.fixture(scope="module", params=["classification", "regression"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(request.param) / "wisconsin-diagnosis-project"
    # a long name: every line that holds the package name must still lint
    project = plan(
        "wisconsin-diagnosis-project",
        template=request.param,
        team=["Ana", "Ben", "Caro", "Dan"],
        target=root,
    )
    create(
        project,
        git=False,
    )
    return root


@pytest.mark.parametrize(
    ("name", "package"), [("wine-team", "wine_team"), ("Team_7", "team_7"), ("a", "a")]
)
def test_names_become_packages(name: str, package: str) -> None:
    assert package_name(name) == package


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("7up", "is not valid"),
        ("my team", "is not valid"),
        ("../escape", "is not valid"),
        ("a/b", "is not valid"),
        ("", "is not valid"),
        ("x" * 70, "is not valid"),
        ("sys", "shadows a module"),
        ("pandas", "shadows a module"),
        ("class", "shadows a module"),
        ("tests", "shadows a module"),
        ("json", "shadows a module"),
    ],
)
def test_bad_names_exit_2_and_write_nothing(
    name: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = new(name)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert problem in result.stderr  # type: ignore[attr-defined]
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_folder_is_refused_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "notes.txt").write_text("mine")
    result = new("demo", "--no-git")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "is not empty" in result.stderr  # type: ignore[attr-defined]
    assert [p.name for p in (tmp_path / "demo").iterdir()] == ["notes.txt"]


def test_force_writes_into_an_existing_folder_and_keeps_other_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "notes.txt").write_text("mine")
    assert new("demo", "--no-git", "--force", "-q").exit_code == 0  # type: ignore[attr-defined]
    assert (tmp_path / "demo" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "demo" / "sekit.toml").is_file()


def test_pretend_lists_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = new("demo", "--pretend")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "  sekit.toml" in result.stdout  # type: ignore[attr-defined]
    assert "  src/demo/serve.py" in result.stdout  # type: ignore[attr-defined]
    assert "  .github/workflows/ci.yml" in result.stdout  # type: ignore[attr-defined]
    assert list(tmp_path.iterdir()) == []


def test_a_failure_halfway_removes_what_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = plan("demo", target=tmp_path / "demo")
    calls = {"n": 0}
    real = Path.write_text

    def failing(self: Path, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 12:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(OSError):
        create(project, git=False)
    assert not (tmp_path / "demo").exists()


def test_a_failure_with_force_restores_what_was_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "README.md").write_text("my own readme")
    (target / "keep.txt").write_text("keep")
    project = plan("demo", target=target)
    real = Path.write_text
    calls = {"n": 0}

    def failing(self: Path, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == len(project.files) - 1:
            raise OSError(5, "I/O error")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(OSError):
        create(project, force=True, git=False)
    assert sorted(p.name for p in target.iterdir()) == ["README.md", "keep.txt"]
    assert (target / "README.md").read_text() == "my own readme"


def test_nothing_is_written_outside_the_target(tmp_path: Path) -> None:
    evil = Plan(
        "demo",
        "demo",
        "classification",
        tmp_path / "demo",
        {"ok.txt": "fine", "../outside.txt": "no"},
    )
    with pytest.raises(Exception, match="outside"):
        create(evil, git=False)
    assert not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "demo").exists()


def test_git_init_makes_a_first_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = new("demo", "-q")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    log = subprocess.run(
        ["git", "log", "--oneline"],
        cwd=tmp_path / "demo",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert COMMIT_SUBJECT in log
    status = subprocess.run(
        ["git", "status", "--porcelain"],
        cwd=tmp_path / "demo",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == ""


def dvc(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "dvc", *args], cwd=cwd, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow  # DVC in a subprocess
def test_dvc_reads_the_pipeline_and_the_remote(generated: Path) -> None:
    """Real DVC parses dvc.yaml and .dvc/config: five stages, an offline remote beside the
    project, no analytics; without git, DVC is told so (core.no_scm)."""
    stages = [line.split()[0] for line in dvc("stage", "list", cwd=generated).splitlines()]
    assert stages == ["gather", "sanitize", "features", "train", "evaluate"]
    assert dvc("config", "core.remote", cwd=generated).strip() == "storage"
    url = dvc("config", "remote.storage.url", cwd=generated).strip()  # relative to .dvc/
    storage = (generated / ".dvc" / url).resolve()
    assert storage == generated.parent.resolve() / "wisconsin-diagnosis-project-dvc-storage"
    assert dvc("config", "core.no_scm", cwd=generated).strip() == "true"
    assert dvc("config", "core.analytics", cwd=generated).strip() == "false"
    header = (generated / "feedback" / "labelled.csv").read_text().strip().split(",")
    assert header[-2:] == ["clinic", load_config(generated).data.label]  # type: ignore[union-attr]


def test_a_git_project_uses_dvc_with_git(tmp_path: Path) -> None:
    made = create(plan("gitted", target=tmp_path / "gitted"))
    assert made.git == "committed"
    assert "no_scm" not in (tmp_path / "gitted" / ".dvc" / "config").read_text()
    assert dvc("stage", "list", cwd=tmp_path / "gitted").count("\n") == 5
    assert made.next_steps[2] == "dvc repro"


def test_the_deploy_ships_the_gated_model_and_never_trains(generated: Path) -> None:
    """Both CI systems: the gated job keeps models/ after `sekit gate`, the deploy job takes
    that artifact and runs no training; the grader finds no deploy that trains."""
    import yaml

    from sekit.grade.detectors.ci import TRAINS, training_deploys
    from sekit.grade.repository import Repository

    github = yaml.safe_load((generated / ".github/workflows/ci.yml").read_text())
    gated = github["jobs"]["test-and-gate"]["steps"]
    names = [step.get("name") for step in gated]
    kept = names.index("Keep the gated model")
    assert kept > names.index("Gate") and "if" not in gated[kept]  # only after a pass
    assert "models/" in gated[kept]["with"]["path"]
    deploy = github["jobs"]["deploy"]
    assert deploy["needs"] == "test-and-gate"
    assert {"uses": "actions/download-artifact@v4", "name": "The gated model"}.items() <= next(
        s for s in deploy["steps"] if s.get("name") == "The gated model"
    ).items()
    assert not any(TRAINS.search(step.get("run", "")) for step in deploy["steps"])

    gitlab = yaml.safe_load((generated / ".gitlab-ci.yml").read_text())
    assert "models/" in gitlab["gate"]["artifacts"]["paths"]
    assert gitlab["deploy"]["needs"] == [{"job": "gate", "artifacts": True}]
    assert not any(TRAINS.search(line) for line in gitlab["deploy"]["script"])
    assert training_deploys(Repository(generated)) == []


def test_ci_measures_coverage_and_keeps_the_readme_badge(generated: Path) -> None:
    """The tests step is `sekit check tests` (tests.coverage), the badge step rewrites the
    README's badge block from that report on main, and the grader reads both."""
    import yaml

    from sekit.grade.detectors import ITEMS
    from sekit.grade.repository import Repository
    from sekit.report.badges import END, START

    github = yaml.safe_load((generated / ".github/workflows/ci.yml").read_text())
    job = github["jobs"]["test-and-gate"]
    runs = {step.get("name"): step.get("run", "") for step in job["steps"]}
    assert "sekit check tests" in runs["Tests, with coverage"]
    assert "--readme README.md" in runs["Badges into the README"]
    assert job["permissions"] == {"contents": "write"}
    gitlab = yaml.safe_load((generated / ".gitlab-ci.yml").read_text())
    assert "sekit check tests" in " ".join(gitlab["test"]["script"])
    readme = (generated / "README.md").read_text()
    assert readme.index(START) < readme.index("coverage") < readme.index(END)

    repository = Repository(generated)
    assert ITEMS["tests.coverage"](repository).status == "met"
    assert ITEMS["ci.tests"](repository).status == "met"
    numbers = ITEMS["ci.readme"](repository)
    assert numbers.parts["coverage"] == (0.25, 1.0), numbers.evidence


def test_every_python_file_parses(generated: Path) -> None:
    files = list(generated.rglob("*.py"))
    assert len(files) >= 20
    for path in files:
        ast.parse(path.read_text(), filename=str(path))


def test_toml_files_parse_and_the_config_is_valid(generated: Path) -> None:
    for name in ("pyproject.toml", "params.toml", "sekit.toml"):
        tomllib.loads((generated / name).read_text())
    config = load_config(generated)
    assert config.project.team == ["Ana", "Ben", "Caro", "Dan"]
    assert config.data is not None and config.model is not None and config.service is not None
    assert {"behaviour.failures", "load.p95_ms", "data.drift_share"} <= set(config.gates)
    assert all(b.kind in {"invariance", "directional", "minimum"} for b in config.behaviour)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_the_project_lints_clean(generated: Path, command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
        cwd=generated,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-workflows", ".github/workflows/ci.yml"),
        ("vendor.github-workflows", ".github/workflows/retrain.yml"),
        ("vendor.gitlab-ci", ".gitlab-ci.yml"),
    ],
)
def test_ci_files_validate_against_the_ci_systems_schemas(
    generated: Path, schema: str, path: str
) -> None:
    done = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", schema, str(generated / path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dockerfile_passes_hadolint(generated: Path) -> None:
    done = subprocess.run(
        [_tool("hadolint"), str(generated / "Dockerfile")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_docs_name_the_team_and_real_numbers(generated: Path) -> None:
    team = (generated / "docs" / "team.md").read_text()
    assert "| Data lead (data science) | Ana |" in team
    requirements = (generated / "docs" / "requirements.md").read_text()
    assert "p95 latency <= 200 ms" in requirements
    assert "TODO(team)" in requirements  # what only the team can decide is marked


def test_unknown_template_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown template"):
        plan("demo", template="clustering")


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    assert Path(found).exists(), f"{name} is a dev dependency; install sekit-ml[dev]"
    return found


def test_team_names_with_quotes_and_backslashes_make_valid_files(tmp_path: Path) -> None:
    team = ['Ana "Bo" Li', "Ben\\Back", 'Zoë = "x"\n[gates]']
    target = tmp_path / "quoted"
    create(plan("quoted", team=team, target=target), git=False)
    config = tomllib.loads((target / "sekit.toml").read_text())
    assert config["project"]["team"][:3] == team
    assert "gates" not in config or "x" not in config["gates"]
    authors = tomllib.loads((target / "pyproject.toml").read_text())["project"]["authors"]
    assert [a["name"] for a in authors[:3]] == team
    load_config(target)  # and the config still validates


def test_force_commits_only_what_sekit_wrote_and_runs_no_hook(tmp_path: Path) -> None:
    target = tmp_path / "existing"
    target.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    (target / "secret-notes.txt").write_text("mine, not for the repository\n")
    marker = tmp_path / "hook-ran"
    for hook in ("pre-commit", "commit-msg", "post-commit"):
        path = target / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
        path.chmod(0o755)
    made = create(plan("existing", target=target), force=True)
    assert made.git == "committed"
    assert not marker.exists()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=target, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "secret-notes.txt" not in tracked
    assert sorted(tracked) == sorted(made.files)
    assert (target / "secret-notes.txt").read_text().startswith("mine")


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_grader_reads_what_the_templates_write(template: str, tmp_path: Path) -> None:
    """sekit.grade imports these markers from the scaffold: the config header finds a project
    whose history lost the scaffold commit, the TODO marker template text left unfilled."""
    made = plan("marked", template=template, target=tmp_path / "marked")
    assert made.files["sekit.toml"].startswith(CONFIG_HEADER)
    todos = {todo for text in made.files.values() for todo in re.findall(r"TODO\(\w*\)", text)}
    assert todos == ({TODO_MARKER} if template != "recommender" else set())
