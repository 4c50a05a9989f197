"""The broken-model corpus: every unusable model exits 2 with one line saying which problem."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest
from click.testing import CliRunner

from sekit_cli.app import cli
from tests.checks.model.conftest import write_project
from tests.checks.model.models import FEATURES, FlipsOnBatch, frames


def text_file(root: Path) -> str:
    (root / "model.joblib").write_text("this is not a model\n")
    return ""


def empty_file(root: Path) -> str:
    (root / "model.joblib").write_bytes(b"")
    return ""


def a_dict(root: Path) -> str:
    joblib.dump({"weights": [1, 2, 3]}, root / "model.joblib")
    return ""


def missing(root: Path) -> str:
    (root / "model.joblib").unlink()
    return ""


def other_columns(root: Path) -> str:
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    x = pd.DataFrame({"alcohol": [1.0, 2, 3, 4], "acidity": [1.0, 0, 1, 0]})
    joblib.dump(LogisticRegression().fit(x, [0, 1, 0, 1]), root / "model.joblib")
    return ""


def wrong_width(root: Path) -> str:
    from sklearn.linear_model import LogisticRegression

    joblib.dump(LogisticRegression().fit(np.eye(3), [0, 1, 0]), root / "model.joblib")
    return ""


def cannot_predict(root: Path) -> str:
    from sklearn.linear_model import LogisticRegression

    train, _ = frames()
    x = train[FEATURES].assign(size=train["size"].map({"small": 0.0, "medium": 1.0, "large": 2.0}))
    model = LogisticRegression(max_iter=1000).fit(x, train["label"])  # 'size' as numbers, but
    joblib.dump(model, root / "model.joblib")  # the data has text
    return ""


def unsupported(root: Path) -> str:
    (root / "model.joblib").rename(root / "model.h5")
    return 'path = "model.h5"'


def loader_raises(root: Path) -> str:
    (root / "teamlib.py").write_text("def load():\n    raise RuntimeError('weights missing')\n")
    return 'loader = "teamlib:load"'


def loader_missing_module(root: Path) -> str:
    return 'loader = "nope.mod:load"'


def loader_missing_attribute(root: Path) -> str:
    (root / "teamlib2.py").write_text("x = 1\n")
    return 'loader = "teamlib2:load"'


def untrusted_skops(root: Path) -> str:
    from skops import io as skops_io

    from tests.checks.model.models import clean_model

    skops_io.dump(FlipsOnBatch(clean_model()), root / "model.skops")
    return 'path = "model.skops"'


def skops_calling(function: str) -> Callable[[Path], str]:
    """A skops file whose pipeline holds a callable: trusted by a prefix, refused by name."""

    def build(root: Path) -> str:
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer
        from skops import io as skops_io

        func = {"builtins.eval": eval, "numpy.load": np.load}[function]
        skops_io.dump(
            make_pipeline(FunctionTransformer(func=func), LogisticRegression()),
            root / "model.skops",
        )
        return 'path = "model.skops"'

    return build


def needs_gone_module(root: Path) -> str:
    module = root / "goneteam.py"
    module.write_text("class M:\n    def predict(self, x):\n        return x\n")
    sys.path.insert(0, str(root))
    try:
        import goneteam

        (root / "model.joblib").write_bytes(pickle.dumps(goneteam.M()))
    finally:
        sys.path.remove(str(root))
        sys.modules.pop("goneteam", None)
        module.unlink()
    return ""


CASES: dict[str, tuple[Callable[[Path], str], str]] = {
    "text file": (
        text_file,
        "model.joblib (model.path): not a model file joblib or pickle can read",
    ),
    "empty file": (empty_file, "model.joblib (model.path): the file is empty"),
    "a dict": (a_dict, "is a dict, not a model (it has no predict method)"),
    "missing": (missing, "model.joblib (model.path): file not found; train the model first"),
    "trained on other columns": (
        other_columns,
        "the model was trained on columns the data does not have: ['alcohol', 'acidity']",
    ),
    "wrong width": (wrong_width, "the model expects 3 features but the data has 7"),
    "cannot predict the data": (
        cannot_predict,
        "cannot predict rows of train.csv (ValueError: could not convert string to float",
    ),
    "unsupported type": (unsupported, "unsupported model file type '.h5'"),
    "loader raises": (
        loader_raises,
        "the loader 'teamlib:load' raised RuntimeError: weights missing",
    ),
    "loader module missing": (loader_missing_module, "cannot import 'nope.mod' for the loader"),
    "loader attribute missing": (
        loader_missing_attribute,
        "'teamlib2:load': teamlib2 has no callable 'load'",
    ),
    "untrusted skops": (
        untrusted_skops,
        "contains types sekit does not trust: ['tests.checks.model.models.FlipsOnBatch']",
    ),
    "needs a gone module": (needs_gone_module, "the model needs the module 'goneteam'"),
    "skops holding eval": (
        skops_calling("builtins.eval"),
        "contains types sekit does not trust: ['builtins.eval']",
    ),
    "skops holding numpy.load": (
        skops_calling("numpy.load"),
        "contains types sekit does not trust: ['numpy.load']",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_model_exits_2_with_one_line(
    case: str, tmp_path: Path, clean: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, expected = CASES[case]
    write_project(tmp_path, clean, behaviour="")
    model_line = make(tmp_path)
    if model_line:
        text = (tmp_path / "sekit.toml").read_text().replace('path = "model.joblib"', model_line)
        (tmp_path / "sekit.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "model", "--quiet"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("sekit: error:")]
    assert len(errors) == 1, result.stderr
    assert expected in errors[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["forest", "boosting"])
def test_common_skops_models_load_without_listing_types(kind: str, tmp_path: Path) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from skops import io as skops_io

    from sekit.subjects.model_files import load_model_file

    train, _ = frames()
    estimator = (
        RandomForestClassifier(n_estimators=3, random_state=0)
        if kind == "forest"
        else HistGradientBoostingClassifier(max_iter=5)
    )
    estimator.fit(train[FEATURES], train["label"])
    skops_io.dump(estimator, tmp_path / "model.skops")
    loaded = load_model_file(tmp_path / "model.skops", key="model.path", root=tmp_path, trusted=[])
    assert (loaded.predict(train[FEATURES]) == estimator.predict(train[FEATURES])).all()
