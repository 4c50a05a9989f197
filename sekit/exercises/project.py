"""Running an exercise's project: its package importable, its pipeline (``dvc repro``)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def project_importable(folder: Path) -> Iterator[dict[str, str]]:
    """PYTHONPATH with the project's src/, for the pipeline and the service it starts."""
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder / "src"), previous]))
    try:
        yield dict(os.environ)
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous


def run_pipeline(folder: Path, env: dict[str, str]) -> str | None:
    """None when ``dvc repro`` ran the project's pipeline, else its last error line.

    The stages' commands (``python -m ...``) run with this Python first on the PATH, so they
    see the packages that sekit sees even when its environment is not activated.
    """
    if importlib.util.find_spec("dvc") is None:
        return "DVC is not installed here: pip install dvc (the project's dev dependencies have it)"
    path = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dvc", "repro"],
            cwd=folder,
            env={**env, "PATH": path},
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        return "the pipeline ran for more than 10 minutes"
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"exit code {done.returncode}"


_DEPLOYED: dict[str, bytes] = {}  # template -> the model file, trained once per process


def deploy_original(folder: Path, template: str = "classification") -> str | None:
    """Train the project as sekit's templates make it (without the exercise's fault) in a
    scratch folder and put its model in ``folder/models/deployed.joblib``: the deployed model a
    release exercise compares with. None when done, else why not. Written anew on every call,
    so replacing the file is no way out of an exercise."""
    import tempfile

    from sekit.scaffold import create, plan

    if template not in _DEPLOYED:
        with tempfile.TemporaryDirectory() as scratch:
            target = Path(scratch) / "deployed"
            team = ["Ana", "Ben", "Caro", "Dan"]
            create(plan("clinic-ai", template=template, team=team, target=target), git=False)
            with project_importable(target) as env:
                failure = run_pipeline(target, env)
            if failure:
                return f"the deployed model could not be trained: {failure}"
            _DEPLOYED[template] = (target / "models" / "model.joblib").read_bytes()
    (folder / "models").mkdir(exist_ok=True)
    (folder / "models" / "deployed.joblib").write_bytes(_DEPLOYED[template])
    return None
