"""Each built-in rubric item on fixture repositories: present, absent, template-only."""

from __future__ import annotations

from pathlib import Path

import pytest

from sekit.grade.detectors import DETECTORS, SCAFFOLD_SUBJECT
from sekit.grade.repository import Repository
from tests.grade.conftest import Repo, commit

WORDS = " ".join(["word"] * 220)
SPEC = (
    f"# Requirements\n{WORDS}\n- accuracy >= 0.90\n- p95 latency under 200 ms\n"
    "- error rate below 1%\n"
)
CARD = f"# Model card\n{WORDS}\n"
TESTS = "".join(f"def test_{i}():\n    assert True\n\n" for i in range(12))

CASES: list[tuple[str, dict[str, str | bytes], str]] = [
    (
        "dependencies",
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["pandas"]\n'},
        "met",
    ),
    ("dependencies", {"requirements.txt": "pandas\nnumpy\n"}, "partial"),
    ("dependencies", {"requirements.txt": "pandas==2.2\n"}, "met"),
    ("dependencies", {"main.py": "print(1)\n"}, "missing"),
    (
        "dev_dependencies",
        {"pyproject.toml": "[project.optional-dependencies]\ndev = ['pytest']\n"},
        "met",
    ),
    ("dev_dependencies", {"requirements-dev.txt": "pytest\n"}, "met"),
    ("dev_dependencies", {"requirements.txt": "pytest\n"}, "missing"),
    ("linters", {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, "met"),
    ("linters", {".flake8": "[flake8]\n"}, "partial"),
    ("linters", {"a.py": "x = 1\n"}, "missing"),
    ("unit_tests", {"tests/test_a.py": TESTS}, "met"),
    ("unit_tests", {"tests/test_a.py": "def test_a():\n    pass\n" * 1}, "missing"),
    ("data_tests", {"tests/test_data.py": "import sekit.data\n"}, "met"),
    ("data_tests", {"tests/test_data.py": "def test_x():\n    pass\n"}, "partial"),
    ("data_tests", {"tests/test_x.py": "def test_x():\n    pass\n"}, "missing"),
    (
        "behaviour_tests",
        {
            "tests/test_b.py": "from hypothesis import given\n",
            "sekit.toml": "[[behaviour]]\nkind = 'invariance'\n",
        },
        "met",
    ),
    ("behaviour_tests", {"tests/test_b.py": "from hypothesis import given\n"}, "partial"),
    ("behaviour_tests", {"tests/test_b.py": "def test_b():\n    pass\n"}, "missing"),
    ("load_tests", {"locustfile.py": "from locust import HttpUser\n"}, "met"),
    ("load_tests", {"a.py": "x = 1\n"}, "missing"),
    ("test_ratio", {"src/a.py": "x = 1\n" * 100, "tests/test_a.py": "y = 1\n" * 60}, "met"),
    ("test_ratio", {"src/a.py": "x = 1\n" * 100, "tests/test_a.py": "y = 1\n" * 25}, "partial"),
    ("test_ratio", {"src/a.py": "x = 1\n" * 100}, "missing"),
    (
        "ci_tests",
        {".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: pytest\n"},
        "met",
    ),
    ("ci_tests", {".gitlab-ci.yml": "build:\n  script: [echo hi]\n"}, "partial"),
    ("ci_tests", {"a.py": "x = 1\n"}, "missing"),
    ("ci_gate", {".gitlab-ci.yml": "gate:\n  script: [sekit gate]\n"}, "met"),
    ("ci_gate", {".gitlab-ci.yml": "gate:\n  script: [sekit gate || true]\n"}, "partial"),
    (
        "ci_gate",
        {".github/workflows/ci.yml": "steps:\n  - run: sekit gate\n    continue-on-error: true\n"},
        "partial",
    ),
    ("ci_gate", {".gitlab-ci.yml": "test:\n  script: [pytest]\n"}, "missing"),
    (
        "precommit",
        {".pre-commit-config.yaml": "repos:\n- repo: local\n  hooks:\n  - id: ruff\n"},
        "met",
    ),
    ("precommit", {".pre-commit-config.yaml": "repos: []\n"}, "partial"),
    ("precommit", {"a.py": ""}, "missing"),
    ("readme", {"README.md": f"# Team\n{WORDS}\n"}, "met"),
    ("readme", {"README.md": "# Team\nshort\n"}, "partial"),
    ("readme", {"README.md": f"# Team\n{WORDS}\nTeam: Member 1, Member 2\n"}, "template"),
    ("readme", {"a.py": ""}, "missing"),
    ("requirements", {"docs/requirements.md": SPEC}, "met"),
    ("requirements", {"docs/requirements.md": f"# Req\n{WORDS}\nfast and accurate\n"}, "partial"),
    (
        "requirements",
        {"docs/requirements.md": SPEC + "- TODO(team): business metric\n"},
        "template",
    ),
    ("requirements", {"README.md": "x"}, "missing"),
    ("model_card", {"docs/model_card.md": CARD}, "met"),
    ("model_card", {"docs/model_card.md": CARD + "TODO(team)\n"}, "template"),
    (
        "pipeline_stages",
        {
            f"src/p/{n}.py": "x = 1\n"
            for n in ("ingest", "sanitize", "features", "train", "evaluate", "predict")
        },
        "met",
    ),
    (
        "pipeline_stages",
        {f"src/p/{n}.py": "x = 1\n" for n in ("ingest", "train", "predict")},
        "partial",
    ),
    ("pipeline_stages", {"src/p/main.py": "x = 1\n"}, "missing"),
    ("service", {"src/serve.py": "from fastapi import FastAPI\n@app.get('/health')\n"}, "met"),
    ("service", {"src/serve.py": "from flask import Flask\n"}, "partial"),
    ("service", {"src/a.py": "x = 1\n"}, "missing"),
    ("monitoring", {"src/monitor.py": "def log_prediction(): ...\ndef drift(): ...\n"}, "met"),
    ("monitoring", {"src/monitor.py": "def log_prediction(): ...\n"}, "partial"),
    ("monitoring", {"src/a.py": "x = 1\n"}, "missing"),
    (
        "feedback_loop",
        {"src/serve.py": "@app.post('/feedback')\n", "src/ingest.py": "read('feedback.csv')\n"},
        "met",
    ),
    ("feedback_loop", {"src/serve.py": "@app.post('/feedback')\n"}, "partial"),
    ("feedback_loop", {"src/a.py": "x = 1\n"}, "missing"),
    (
        "reproducibility",
        {"src/train.py": "fit(random_state=42)\n", "params.yaml": "lr: 1\n"},
        "met",
    ),
    ("reproducibility", {"src/train.py": "fit(random_state=42)\n"}, "partial"),
    ("reproducibility", {"src/train.py": "fit()\n"}, "missing"),
    ("data_versioning", {"data.dvc": "outs: []\n"}, "met"),
    ("data_versioning", {".gitattributes": "*.csv filter=lfs diff=lfs\n"}, "met"),
    ("data_versioning", {".gitignore": "data/\n"}, "partial"),
    ("data_versioning", {"a.py": ""}, "missing"),
    (
        "sekit_config",
        {
            "sekit.toml": '[project]\nname = "x"\n[data]\ntrain = "t.csv"\n'
            '[data.columns.a]\ntype = "float"\n[[behaviour]]\nkind = "invariance"\n'
            'feature = "a"\n[gates]\n"data.rows" = {min = 1}\n'
            '"model.accuracy" = {min = 0.8}\n"load.p95_ms" = {max = 200}\n'
        },
        "met",
    ),
    ("sekit_config", {"sekit.toml": '[project]\nname = "x"\n'}, "partial"),
    ("sekit_config", {"sekit.toml": '[project]\nnme = "x"\n'}, "partial"),
    ("sekit_config", {"a.py": ""}, "missing"),
]


def test_every_detector_has_cases() -> None:
    covered = {name for name, _, _ in CASES} | {"git", "no_large_files", "lint_findings"}
    assert covered == set(DETECTORS)


@pytest.mark.parametrize(
    ("detector", "files", "status"),
    CASES,
    ids=[f"{d}-{s}-{i}" for i, (d, _, s) in enumerate(CASES)],
)
def test_item(detector: str, files: dict[str, str | bytes], status: str, repo: Repo) -> None:
    found, evidence = DETECTORS[detector](Repository(repo(files)))
    assert found == status, evidence
    assert evidence and all(isinstance(line, str) and line for line in evidence)


def test_git_history_depth(repo: Repo) -> None:
    assert DETECTORS["git"](Repository(repo({"a.py": ""}, commits=6)))[0] == "met"
    assert DETECTORS["git"](Repository(repo({"a.py": ""}, commits=1)))[0] == "partial"
    assert DETECTORS["git"](Repository(repo({"a.py": ""}, git=False)))[0] == "missing"


def test_a_large_file_in_the_history_is_found_even_after_deletion(repo: Repo) -> None:
    root = repo({"data/big.csv": b"x" * 6_000_000, "a.py": ""})
    (root / "data" / "big.csv").unlink()
    commit(root, "remove the big file")
    status, evidence = DETECTORS["no_large_files"](Repository(root))
    assert status == "missing"
    assert "data/big.csv: 6.0 MB" in evidence[0]


def test_a_document_unchanged_since_the_scaffold_is_template_text(
    repo: Repo, tmp_path: Path
) -> None:
    root = repo({"docs/model_card.md": CARD}, commits=0)
    commit(root, SCAFFOLD_SUBJECT)
    assert DETECTORS["model_card"](Repository(root))[0] == "template"
    (root / "docs" / "model_card.md").write_text(CARD + "\nA few words of our own.\n")
    commit(root, "touch the model card")
    status, evidence = DETECTORS["model_card"](Repository(root))
    assert status == "template"
    assert "6 words of the team's own since `sekit new`" in evidence[0]
    own = " ".join(f"we measured recall {i} times on fresh data" for i in range(8))
    (root / "docs" / "model_card.md").write_text(CARD + f"\n{own}\n")
    commit(root, "fill the model card")
    assert DETECTORS["model_card"](Repository(root))[0] == "met"


def test_deleting_the_placeholders_is_not_filling_in(repo: Repo) -> None:
    root = repo({"docs/requirements.md": SPEC + "- TODO(team): business metric\n"}, commits=0)
    commit(root, SCAFFOLD_SUBJECT)
    assert DETECTORS["requirements"](Repository(root))[0] == "template"
    (root / "docs" / "requirements.md").write_text(SPEC)
    commit(root, "remove the TODOs")
    assert DETECTORS["requirements"](Repository(root))[0] == "template"


def test_lint_findings_are_counted_read_only(repo: Repo) -> None:
    clean = repo({"src/a.py": "x = 1\n" * 300})
    dirty = repo({"src/a.py": "import os\nimport sys\n" + "y = undefined_name\n" * 20})
    assert DETECTORS["lint_findings"](Repository(clean))[0] == "met"
    status, evidence = DETECTORS["lint_findings"](Repository(dirty))
    assert status == "missing"
    assert "F821" in evidence[0]
