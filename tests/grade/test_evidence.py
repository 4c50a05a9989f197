"""True evidence on layouts taken from real course repositories (remla25-team13's
model-training, 2025): each case is a false credit the grader once gave, written as the files
that caused it. No code of that repository is copied; the files say what theirs said."""

# ruff: noqa: E501  (fault cases as data: one per line)
from __future__ import annotations

import subprocess

from click.testing import CliRunner

from sekit.grade.detectors import ITEMS
from sekit.grade.process import process
from sekit.grade.repository import Repository
from sekit_cli.app import cli
from tests.grade.conftest import Repo, commit

BADGES = (
    "".join(
        f"![coverage](https://img.shields.io/badge/Coverage-{n}%25-green?logo=pytest)\n"
        for n in (76, 75, 71, 86)
    )
    + "![pylint](https://img.shields.io/badge/PyLint-9.85-brightgreen)\n"
)
PROSE = " ".join(["We train a sentiment model on restaurant reviews."] * 30)
LINT_RULE = '''"""A custom pylint checker for ML code smells."""
from pylint.checkers import BaseChecker


class SeedChecker(BaseChecker):
    name = "seed-checker"
    msgs = {
        "W9003": (
            "Randomness used without setting a seed",
            "random-without-seed",
            "You should set a random seed when using randomness for reproducibility.",
        )
    }

    def __init__(self, linter=None):
        super().__init__(linter)
        self.seed_set = False
'''
OFFLINE_METRICS = '''"""Calculate model performance."""
import json

import joblib
from sklearn.metrics import accuracy_score


def get_metrics():
    model = joblib.load("output/model.jbl")
    x, y = joblib.load("output/splits/X_test.jbl"), joblib.load("output/splits/y_test.jbl")
    with open('output/metrics.json', 'w', encoding="utf-8") as f:
        json.dump({"accuracy": accuracy_score(y, model.predict(x))}, f)
'''


def _outcome(repo: Repo, detector: str, files: dict[str, str | bytes]):  # type: ignore[no-untyped-def]
    return ITEMS[detector](Repository(repo(files, git=False)))


def test_coverage_badges_are_not_quantified_requirements(repo: Repo) -> None:
    spec = _outcome(
        repo, "docs.requirements", {"docs/requirements.md": "# Requirements\n" + BADGES + PROSE}
    )
    assert spec.status == "partial"  # the words, none of the numbers
    assert "quantified" not in spec.evidence[0]
    written = _outcome(
        repo,
        "docs.requirements",
        {
            "docs/requirements.md": BADGES
            + PROSE
            + "\n- p95 latency under 200 ms\n- accuracy >= 0.8\n- 50 requests per second\n"
        },
    )
    assert written.status == "met"
    assert "'200 ms'" in written.evidence[0]


def test_a_lint_rules_message_is_not_seeding(repo: Repo) -> None:
    rule = _outcome(repo, "ops.reproducibility", {"pylint_custom_ml_rules.py": LINT_RULE})
    assert rule.status == "missing"
    seeded = _outcome(
        repo,
        "ops.reproducibility",
        {
            "pylint_custom_ml_rules.py": LINT_RULE,
            "review_rating/modeling/prepare_data.py": "def prepare_data(path, test_split=0.2, random_state: int = 42):\n    return path\n",
        },
    )
    assert seeded.status == "partial"
    assert seeded.evidence[0].startswith("review_rating/modeling/prepare_data.py:1:")


def test_a_lint_rules_example_is_not_the_pipelines_seed(repo: Repo) -> None:
    example = "from sklearn.model_selection import train_test_split\n\nX_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
    only = _outcome(repo, "ops.reproducibility", {"pylint_custom/warning_example.py": example})
    assert only.status == "missing"
    both = _outcome(
        repo,
        "ops.reproducibility",
        {
            "pylint_custom/warning_example.py": example,
            "src/preprocess.py": "def split(data, random_state: int = 0):\n    return data\n",
        },
    )
    assert both.evidence[0].startswith("src/preprocess.py:1:")


def test_dvclive_records_are_not_a_parameter_file(repo: Repo) -> None:
    logged = _outcome(
        repo, "ops.reproducibility", {"dvclive/params.yaml": "classifiers: GaussianNB\n"}
    )
    assert logged.status == "missing"
    read = _outcome(repo, "ops.reproducibility", {"params.yaml": "train:\n  seed: 7\n"})
    assert read.status == "met"


def test_offline_metrics_are_not_served_predictions_measured(repo: Repo) -> None:
    offline = _outcome(repo, "ops.monitoring", {"training/get_metrics.py": OFFLINE_METRICS})
    assert offline.status == "missing"
    served = _outcome(
        repo,
        "ops.monitoring",
        {
            "app.py": 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.get("/metrics")\ndef metrics():\n    return ""\n'
        },
    )
    assert served.status == "partial"
    assert served.evidence[0].startswith("app.py:4:")


def test_bots_are_not_contributors(repo: Repo) -> None:
    root = repo({"README.md": "# model-training\n"}, commits=1)
    for number in range(4):
        (root / "README.md").write_text(f"# model-training\n![coverage]({number})\n")
        commit(root, "Update ML test score and README badge", author="github-actions")
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=dependabot[bot]",
            "-c",
            "user.email=49699333+dependabot[bot]@users.noreply.github.com",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "Bump numpy",
        ],
        cwd=root,
        check=True,
    )
    graded = Repository(root)
    members = process(graded)["members"]
    assert [m["name"] for m in members] == ["Student"]
    assert {b["name"]: b["commits"] for b in process(graded)["bots"]} == {
        "github-actions": 4,
        "dependabot[bot]": 1,
    }
    history = ITEMS["vcs.git"](graded)
    assert history.status == "partial"  # one commit of the team's, not six
    assert history.evidence[0].startswith("1 commits;")
    assert history.evidence[1] == "5 commits by bots left out"


def test_the_table_says_why_the_ml_test_score_is_zero(repo: Repo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = repo(
        {
            "review_rating/tests/test_features_and_data.py": "def test_feature_cost_analysis():\n    assert 1\n",
            "review_rating/tests/test_model.py": "def test_model_on_slices():\n    assert 1\n",
        }
    )
    result = CliRunner().invoke(cli, ["grade", str(root), "--db", str(tmp_path / "g.sqlite")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "ML Test Score 0" in text
    assert "the final score is the weakest section" in text
    assert "no test is tagged @pytest.mark.mlts(ID)" in text
    assert "untagged tests look like they address" in text
