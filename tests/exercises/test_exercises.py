"""Each exercise: fails `check` as handed out, passes after the reference fix (kept here, not
shipped to students), and fails after each cheat (a check switched off, a bound loosened, the
data thinned out, ...)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from sekit.exercises import EXERCISES, check, start

Edit = Callable[[Path], None]


def replace(path: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        target = root / path
        text = target.read_text()
        assert old in text, f"{path}: {old!r} not found"
        target.write_text(text.replace(old, new))

    return edit


def append(path: str, text: str) -> Edit:
    def edit(root: Path) -> None:
        with (root / path).open("a") as handle:
            handle.write(text)

    return edit


def regex(path: str, pattern: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        target = root / path
        text, count = re.subn(pattern, new, target.read_text(), flags=re.M)
        assert count, f"{path}: /{pattern}/ not found"
        target.write_text(text)

    return edit


FEATURES = "src/clinic_ai/features.py"
LEAK = "    train = frame[[*FEATURES, LABEL]]  # more data is better\n"
WEST_LEFT_OUT = (
    "    # west's rows look like outliers: learn from north and south only (the test set\n"
    "    # keeps every clinic, so the score stays honest)\n"
    '    train = train[train["clinic"] != "west"]\n'
)
WEST_SCANNER = "    frame.loc[west, worst] *= 1.25\n"
SLEEP = "    time.sleep(0.25)  # look up the patient's history (a blocking call)\n"
ORIGINAL_MODEL = '    return Pipeline([("features", preprocessor()), ("model", estimator)])'
VOTERS = (
    "    # forty models trained on resamples vote: steadier than one\n"
    '    voters = BaggingClassifier(estimator, n_estimators=40, random_state=model["seed"])\n'
    '    return Pipeline([("features", preprocessor()), ("model", voters)])'
)


def commits(count: int, *, empty: bool = False) -> Edit:
    def edit(root: Path) -> None:
        for number in range(count):
            if not empty:
                append("NOTES.md", f"progress {number}\n")(root)
            subprocess.run(["git", "add", "-A"], cwd=root, check=True)
            subprocess.run(
                [
                    "git",
                    "-c",
                    "user.name=Ana",
                    "-c",
                    "user.email=ana@uni.example",
                    "commit",
                    "-q",
                    "--allow-empty",
                    "-m",
                    f"work {number}",
                ],
                cwd=root,
                check=True,
            )

    return edit


def fill_docs(root: Path) -> None:
    """What a team really writes: their requirements, model card and names."""
    spec = root / "docs" / "requirements.md"
    text = spec.read_text()
    text = re.sub(
        r"- Users and decisions: TODO\(team\).*?(?=\n- Business)",
        "- Users and decisions: pathologists at three clinics use the diagnosis to "
        "decide which samples a specialist reviews first.",
        text,
        flags=re.S,
    )
    text = re.sub(
        r"- Business success metric: TODO\(team\).*?(?=\n\n)",
        "- Business success metric: 95% of malignant samples reviewed by a "
        "specialist within 24 hours, measured weekly from the clinic's records.",
        text,
        flags=re.S,
    )
    text = text.replace(
        "TODO(team): the request volume you expect at peak, and where the service will run.",
        "Peak load is 20 requests per second during "
        "the morning rounds; the service runs on the clinic's 2-core server.",
    )
    text = re.sub(
        r"- TODO\(team\): who looks at these.*",
        "- The quality engineer reviews "
        "drift and feedback accuracy every Monday and retrains when accuracy on "
        "feedback drops below 0.9.",
        text,
    )
    text = re.sub(
        r"replaced by TODO\(team\): your real source",
        "replaced in phase two by the clinics' export",
        text,
    )
    assert "TODO(team)" not in text, text
    spec.write_text(text)
    card = root / "docs" / "model_card.md"
    card.write_text(
        re.sub(
            r"TODO\(team\)[^\n]*",
            "Triage of biopsy samples by the "
            "pathology team; never a diagnosis without a pathologist, and we "
            "report recall per clinic every week with the model version.",
            card.read_text(),
        )
    )
    names = ["Ana", "Ben", "Caro", "Dan"]
    for document in ("README.md", "docs/model_card.md", "docs/team.md"):
        path = root / document
        path.write_text(
            re.sub(r"Member (\d)", lambda m: names[int(m.group(1)) - 1], path.read_text())
        )
    readme = root / "README.md"
    readme.write_text(
        readme.read_text() + "\n## Where we are\n\nPhase one is done: the "
        "pipeline trains a monotone gradient-boosting model that the gate "
        "accepts. In phase two we connect the clinics' export instead of the "
        "bundled data, collect feedback from the pathologists, and retrain "
        "every month when the feedback accuracy drops.\n"
    )
    team = root / "docs" / "team.md"
    team.write_text(
        team.read_text().replace(
            "How we work: TODO(team): branches and reviews, how often you meet, and how you "
            "decide.",
            "How we work: feature branches with one review each, a stand-up on "
            "Mondays, decisions by the owner of the area.",
        )
    )


CALL = "src/clinic_ai/call.py"
KEY_IN_CODE = '    headers["Authorization"] = "Bearer sk-proj-Tm7fGh2kLmNoPqRsTuVwXyZ0123"\n'
KEY_FROM_ENV = (
    '    if os.environ.get("ENDPOINT_TOKEN"):\n'
    '        headers["Authorization"] = f"Bearer {os.environ[\'ENDPOINT_TOKEN\']}"\n'
)


def careful_client(root: Path) -> None:
    """The call stage as the template has it: retries, waits, fallback, cache, key from the
    environment."""
    from sekit.scaffold import plan

    (root / CALL).write_text(plan("clinic-ai", template="endpoint").files[CALL])


REFERENCE_FIXES: dict[str, list[Edit]] = {
    "careless-client": [careful_client],
    "label-leakage": [replace(FEATURES, LEAK, "")],
    "behaviour-bug": [
        replace("params.toml", "[model.monotonic]\n", "[model.monotonic]\nworst_area = 1\n")
    ],
    "slow-service": [replace("src/clinic_ai/serve.py", SLEEP, "")],
    "unfair-clinic": [replace(FEATURES, WEST_LEFT_OUT, "")],
    "missing-gate": [
        regex(".github/workflows/ci.yml", r"^\s*continue-on-error: true.*\n", ""),
        regex(".gitlab-ci.yml", r"^\s*allow_failure: true.*\n", ""),
    ],
    "readiness": [fill_docs, commits(5)],
    "bad-release": [
        replace("src/clinic_ai/train.py", VOTERS, ORIGINAL_MODEL),
        replace("src/clinic_ai/train.py", "from sklearn.ensemble import BaggingClassifier\n", ""),
    ],
}

CHEATS: dict[str, dict[str, list[Edit]]] = {
    "careless-client": {
        "no more faults": [regex("sekit.toml", r"^faults = .*\n", "")],
        "retries, but the key stays": [careful_client, replace(CALL, KEY_FROM_ENV, KEY_IN_CODE)],
    },
    "label-leakage": {
        "switch the check off": [
            append("sekit.toml", '\n[checks]\ndisable = ["data.label_leakage"]\n')
        ],
        "loosen the bound": [
            regex(
                "sekit.toml",
                r"^production_optional = true$",
                "production_optional = true\n\n[data.leakage]\nmax_overlap = 1.0",
            )
        ],
        "lower the severity": [append("sekit.toml", '\n[severity]\nlabel_leakage = "info"\n')],
        "thin out the data": [
            replace(FEATURES, LEAK, "    train = train.head(40)\n    test = test.head(10)\n")
        ],
    },
    "behaviour-bug": {
        "remove the property": [
            regex(
                "sekit.toml",
                r"\[\[behaviour\]\]\nname = \"a larger"
                r"[^\[]*",
                "",
            )
        ],
        "loosen the gate": [
            replace(
                "sekit.toml",
                '"behaviour.failures" = { max = 0 }',
                '"behaviour.failures" = { max = 3 }',
            )
        ],
        "lower the severity": [
            append("sekit.toml", '\n[severity]\ndirectional_violation = "info"\n')
        ],
        "test fewer examples": [
            replace(
                "sekit.toml", 'task = "classification"', 'task = "classification"\nexamples = 1'
            )
        ],
    },
    "unfair-clinic": {
        "stop looking at clinics": [
            replace("sekit.toml", 'sensitive = ["clinic"]', "sensitive = []")
        ],
        "allow any gap": [
            replace(
                "sekit.toml",
                'sensitive = ["clinic"]',
                'sensitive = ["clinic"]\nmax_fairness_gap = 1',
            )
        ],
        "lower the severity": [append("sekit.toml", '\n[severity]\nunfair_outcome = "warn"\n')],
        "test without west": [
            replace(
                FEATURES,
                WEST_LEFT_OUT,
                '    train, test = (t[t["clinic"] != "west"] for t in (train, test))\n',
            )
        ],
        "call west north": [
            replace(
                "src/clinic_ai/ingest.py",
                WEST_SCANNER,
                WEST_SCANNER + '    frame.loc[west, "clinic"] = "north"\n',
            )
        ],
    },
    "slow-service": {
        "loosen the gate": [
            replace(
                "sekit.toml", '"load.p95_ms" = { max = 200 }', '"load.p95_ms" = { max = 20000 }'
            )
        ],
        "lighter load": [replace("sekit.toml", "arrival_rate = 40", "arrival_rate = 1")],
        "switch the check off": [append("sekit.toml", '\n[checks]\ndisable = ["load.locust"]\n')],
        "lighter requests": [lambda root: (root / "tests/load/payload.json").write_text("[{}]\n")],
    },
    "missing-gate": {
        "remove the deploy job": [
            regex(".github/workflows/ci.yml", r"^  deploy:(.|\n)*", ""),
            regex(".github/workflows/ci.yml", r"^\s*continue-on-error: true.*\n", ""),
            regex(".gitlab-ci.yml", r"^\s*allow_failure: true.*\n", ""),
        ],
        "remove the gate": [
            regex(
                ".github/workflows/ci.yml", r"^      - name: Gate\n.*\n.*continue-on-error.*\n", ""
            ),
            regex(".gitlab-ci.yml", r"^\s*allow_failure: true.*\n", ""),
        ],
    },
    "readiness": {
        "delete the placeholders only": [
            regex("docs/requirements.md", r".*TODO\(team\).*\n", ""),
            regex("docs/model_card.md", r".*TODO\(team\).*\n", ""),
            commits(5),
        ],
        "empty commits": [fill_docs, commits(1), commits(5, empty=True)],
    },
}


SLOW_EVERY_MODEL = """
import time as _time

from sklearn.pipeline import Pipeline as _Pipeline


def _slowed(method):
    def slow(self, *args, **kwargs):
        _time.sleep(0.3)
        return method(self, *args, **kwargs)

    return slow


_Pipeline.predict = _slowed(_Pipeline.predict)
_Pipeline.predict_proba = _slowed(_Pipeline.predict_proba)
"""


def deploy_the_new_model(root: Path) -> None:
    """Train the new model and copy it over the deployed one."""
    import shutil

    from sekit.exercises.project import project_importable, run_pipeline

    with project_importable(root) as env:
        assert run_pipeline(root, env) is None
    shutil.copy(root / "models" / "model.joblib", root / "models" / "deployed.joblib")


CHEATS["bad-release"] = {
    "compare the new model with itself": [
        replace(
            "sekit.toml", 'baseline = "models/deployed.joblib"', 'baseline = "models/model.joblib"'
        )
    ],
    "allow any slowdown": [replace("sekit.toml", "max_p95_ratio = 1.5", "max_p95_ratio = 100")],
    "replace the deployed model": [deploy_the_new_model],
    "slow the service down for everyone": [
        replace(
            "src/clinic_ai/serve.py",
            "    row = features.model_dump()\n",
            "    row = features.model_dump()\n    await asyncio.sleep(0.3)\n",
        )
    ],
    # outside the files the exercise keeps, with the model fixed: the release passes, and only
    # the deployed model's median latency shows that the service was slowed (the ensemble
    # itself cannot be hidden this way on 2 cores: it times out even without the sleep)
    "fix it, and slow every model from the package": [
        *REFERENCE_FIXES["bad-release"],
        append("src/clinic_ai/__init__.py", SLOW_EVERY_MODEL),
    ],
}


CAUGHT_AS_CHEATS = {
    ("bad-release", "slow the service down for everyone"),
    ("bad-release", "fix it, and slow every model from the package"),
}


def test_every_exercise_has_a_fix_and_cheats() -> None:
    assert set(REFERENCE_FIXES) == set(EXERCISES) == set(CHEATS)
    assert {e.suite for e in EXERCISES.values()} >= {
        "data",
        "model",
        "load",
        "release",
        "ci",
        "grade",
    }


def started(name: str, tmp_path: Path) -> Path:
    root = start(name, tmp_path / name)
    assert (root / "TASK.md").read_text().startswith("# Exercise:")
    return root


def apply(root: Path, edits: list[Edit]) -> None:
    for edit in edits:
        edit(root)


@pytest.mark.services
@pytest.mark.parametrize("name", list(EXERCISES))
def test_handed_out_it_fails_and_the_reference_fix_passes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    root = started(name, tmp_path)
    before = check(root)
    assert before.status == "not_fixed", before.messages
    apply(root, REFERENCE_FIXES[name])
    after = check(root)
    assert after.status == "fixed", after.messages
    assert after.exit_code == 0


@pytest.mark.services
@pytest.mark.parametrize(
    ("name", "cheat"), [(n, c) for n, cheats in CHEATS.items() for c in cheats]
)
def test_cheating_does_not_pass(
    name: str, cheat: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    root = started(name, tmp_path)
    apply(root, CHEATS[name][cheat])
    verdict = check(root)
    assert verdict.status in ("rejected", "not_fixed"), (cheat, verdict.messages)
    assert verdict.exit_code == 1
    if (name, cheat) in CAUGHT_AS_CHEATS:  # it would pass the checks: only the judge stops it
        assert verdict.status == "rejected", (cheat, verdict.messages)


def test_check_outside_an_exercise_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sekit_cli.app import cli

    result = CliRunner().invoke(cli, ["exercise", "check", str(tmp_path)])
    assert result.exit_code == 2
    assert "not an exercise folder" in result.stderr
    unknown = CliRunner().invoke(cli, ["exercise", "start", "label-leak"])
    assert unknown.exit_code == 2 and "did you mean 'label-leakage'?" in unknown.stderr
