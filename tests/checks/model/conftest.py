"""A model project on disk: data, schema, [model] and [[behaviour]], for any model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import pytest

from sekit.config.loader import load_config
from sekit.config.schema import Config
from tests.checks.data.faults import LABEL
from tests.checks.model.models import frames, schema

BEHAVIOUR = """
[[behaviour]]
kind = "invariance"
feature = "batch"
[[behaviour]]
kind = "directional"
feature = "worst area"
expect = "non-increasing"
output = "proba:1"
"""


def write_project(
    root: Path,
    model: Any,
    *,
    extra: str = "",
    behaviour: str = BEHAVIOUR,
    task: str = "classification",
) -> Config:
    train, test = frames()
    train.to_csv(root / "train.csv", index=False)
    test.to_csv(root / "test.csv", index=False)
    if model is not None:
        joblib.dump(model, root / "model.joblib")
    tables = "".join(
        f'[data.columns."{name}"]\n'
        + "".join(f"{key} = {json.dumps(value)}\n" for key, value in spec.items())
        for name, spec in schema().items()
    )
    (root / "sekit.toml").write_text(
        f'[project]\nname = "model-test"\n[data]\ntrain = "train.csv"\ntest = "test.csv"\n'
        f'label = "{LABEL}"\nignore = ["size"]\n{tables}\n[model]\npath = "model.joblib"\n'
        f'task = "{task}"\nexamples = 30\nshrink_seconds = 5\n{extra}\n{behaviour}'
    )
    return load_config(root)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Config]:
    monkeypatch.setenv("CI", "true")  # derandomized, no example database
    return lambda model, **kw: write_project(tmp_path, model, **kw)
