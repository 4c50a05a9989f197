"""CI reports bound to their commit, checked by the instructor: honest ones accepted, forged,
copied, stale and missing ones caught without running anything (the sampled re-run is in
benchmarks/collect.py and tests/grade/test_collect_rerun.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from sekit_cli.app import cli
from tests.grade.conftest import commit, git_repo

MODEL = b"\x80\x04\x95 a model \x00 trained"
GATE = {
    "verdict": "pass",
    "checks": [
        {"id": "data.schema", "suite": "data", "status": "pass"},
        {"id": "model.performance", "suite": "model", "status": "pass"},
    ],
}


def _team(root: Path) -> Path:
    md5 = hashlib.md5(MODEL).hexdigest()
    files: dict[str, str | bytes] = {
        ".gitignore": ".sekit/\nmodels/model.joblib\nmodels/test_generated.py\n",
        ".dvc/config": "[core]\n    remote = storage\n",
        "sekit.toml": '[project]\nname = "x"\n\n[data]\ntrain = "data/train.csv"\nlabel = "y"\n\n'
        '[model]\npath = "models/model.joblib"\ntask = "classification"\n',
        "data/train.csv": "a,y\n1,0\n2,1\n",
        "models/model.joblib.dvc": f"outs:\n- md5: {md5}\n  size: {len(MODEL)}\n  hash: md5\n"
        "  path: model.joblib\n",
        "src/train.py": "def train(x, y, random_state: int = 0):\n    return x\n",
        "tests/test_train.py": "def test_train():\n    assert True\n",
        "README.md": f"# {root.name}\n",  # each team's history is its own
    }
    git_repo(root, files, commits=2)
    (root / "models" / "model.joblib").write_bytes(MODEL)
    (root / ".sekit").mkdir()
    (root / ".sekit" / "report.json").write_text(json.dumps(GATE))
    return root


def _attest(root: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(
        cli, ["grade", str(root), "--attest", str(root / ".sekit/attestation.json")]
    )
    assert result.exit_code == 0, result.output
    return json.loads((root / ".sekit" / "attestation.json").read_text())  # type: ignore[no-any-return]


def _write(root: Path, document: dict) -> None:  # type: ignore[type-arg]
    (root / ".sekit" / "attestation.json").write_text(json.dumps(document))


def test_the_binding_names_commit_tree_config_and_inputs(tmp_path: Path) -> None:
    root = _team(tmp_path / "team-01")
    document = _attest(root)
    binding = document["binding"]
    assert len(binding["commit"]) == 40 and len(binding["tree"]) == 40
    assert (
        binding["config_sha256"] == hashlib.sha256((root / "sekit.toml").read_bytes()).hexdigest()
    )
    inputs = {i["key"]: i for i in binding["inputs"]}
    assert inputs["data.train"]["recorded"] == "git"
    assert inputs["model.path"]["recorded"] == "dvc: models/model.joblib.dvc"
    assert inputs["model.path"]["md5"] == hashlib.md5(MODEL).hexdigest()
    assert document["gate"]["verdict"] == "pass"


def test_a_dirty_checkout_is_not_attested(tmp_path: Path) -> None:
    root = _team(tmp_path / "team-01")
    (root / "src" / "train.py").write_text("def train():\n    return 1\n")
    result = CliRunner().invoke(cli, ["grade", str(root), "--attest", str(root / "a.json")])
    assert result.exit_code == 2
    assert "tracked files differ from commit" in " ".join(result.output.split())
    assert not (root / "a.json").exists()


def test_collect_catches_what_it_can_without_running(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    honest, forged, copied, stale, swapped, _missing = (
        _team(klass / name)
        for name in ("honest", "forged", "copied", "stale", "swapped", "missing")
    )
    # what the CI made beside the checkout (pipeline outputs, ignored by git) is not graded
    (honest / "models" / "test_generated.py").write_text(
        "".join(f"def test_{i}():\n    assert 1\n" for i in range(5))
    )
    for root in (honest, forged, copied, stale, swapped):
        _attest(root)
    (honest / "models" / "test_generated.py").unlink()  # the instructor's clone lacks it
    document = json.loads((forged / ".sekit/attestation.json").read_text())
    document["grade"]["score"] = 97.5  # the grade, edited
    document["grade"]["items"][0]["points"] = 99
    _write(forged, document)
    shutil.copy(honest / ".sekit/attestation.json", copied / ".sekit/attestation.json")
    (stale / "README.md").write_text("# more work after the report\n")
    commit(stale, "later work")
    document = json.loads((swapped / ".sekit/attestation.json").read_text())
    for bound in document["binding"]["inputs"]:
        if bound["key"] == "model.path":
            bound["md5"] = hashlib.md5(b"another model").hexdigest()
    _write(swapped, document)
    result = CliRunner().invoke(
        cli,
        [
            "grade",
            "--collect",
            str(klass),
            "--sample",
            "0",
            "--format",
            "json",
            "--db",
            str(tmp_path / "g.db"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    found = {Path(t["path"]).name: t["collected"] for t in report["teams"]}
    assert {name: c["status"] for name, c in found.items()} == {
        "copied": "refused",
        "forged": "differs",
        "honest": "accepted",
        "missing": "missing",
        "stale": "stale",
        "swapped": "refused",
    }
    assert any("is not in the repository" in r for r in found["copied"]["reasons"])
    assert any(r.startswith("score 97.5 reported") for r in found["forged"]["reasons"])
    assert any(
        "models/model.joblib.dvc records at that commit" in r for r in found["swapped"]["reasons"]
    )
    assert report["collection"]["statuses"] == {
        "accepted": 1,
        "differs": 1,
        "missing": 1,
        "refused": 2,
        "stale": 1,
    }
    assert report["collection"]["sampled"] == []


def test_a_rerun_that_could_not_measure_is_unverified_not_differs() -> None:
    """The sampled re-run's gate against the report's: a check the re-run decided otherwise
    (pass reported, fail here) is a difference; a check that ended ``error`` on the re-run (it
    timed out on a busy runner) decided nothing and leaves the team unverified."""
    from sekit.grade.collect import gate_differences
    from sekit.grade.model import GateSummary

    reported = GateSummary(
        verdict="pass",
        checks={"data.schema": "pass", "model.behaviour": "pass", "load.locust": "pass"},
    )
    timed_out = GateSummary(
        verdict="fail",
        checks={"data.schema": "pass", "model.behaviour": "error", "load.locust": "fail"},
    )
    assert gate_differences(reported, timed_out) == (
        [],
        ["gate model.behaviour: pass reported, error on re-run"],
    )  # load is not compared: a runner's speed is not a team's honesty
    forged = GateSummary(verdict="fail", checks={"data.schema": "fail", "model.behaviour": "error"})
    otherwise, undecided = gate_differences(reported, forged)
    assert otherwise == ["gate data.schema: pass reported, fail on re-run"]
    assert undecided == ["gate model.behaviour: pass reported, error on re-run"]
    assert gate_differences(reported, None) == ([], ["the re-run's gate wrote no report"])
