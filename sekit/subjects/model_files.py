"""Loading the model under test: a joblib/pickle/skops file, or a loader callable.

Pickle and joblib files run code when they are loaded: only load models you (or your team)
made. ``.skops`` files are loaded safely: sekit refuses types it does not trust unless they are
listed in ``[model].trusted_types``.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sekit.errors import ModelLoadError

PICKLE = (".joblib", ".pkl", ".pickle")
SKOPS = (".skops",)
# Types a scikit-learn model holds beyond those skops trusts itself, listed exactly: a prefix
# such as "builtins." or "numpy." would trust `builtins.eval` or `numpy.load` too. Anything else
# must be reviewed and listed in [model].trusted_types.
TRUSTED_TYPES = frozenset(
    {
        "numpy.dtype",
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "collections.OrderedDict",
        "collections.defaultdict",
    }
)


@contextlib.contextmanager
def project_on_path(root: Path) -> Iterator[None]:
    """The project's folder and its ``src/`` importable, as when the team runs its code.

    They go first, as ``PYTHONPATH`` would put them, and only while the model loads. sekit is
    imported by then, so its own modules resolve through its package's path, never through
    these folders (a team folder named ``sekit`` cannot stand in for them). A check changes
    nothing in the project, so no ``__pycache__`` is written beside the team's modules."""
    added = [str(p) for p in (root / "src", root) if p.is_dir() and str(p) not in sys.path]
    sys.path[:0] = added
    writing, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        yield
    finally:
        sys.dont_write_bytecode = writing
        for entry in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)


def load_model_file(
    path: Path, *, key: str, root: Path, trusted: list[str], method: str = "predict"
) -> Any:
    """The model in a joblib, pickle or skops file, with the project importable; it must have
    ``method`` (``predict``, or ``recommend`` for a ranking model)."""
    suffix = path.suffix.lower()
    if not path.exists():
        from sekit.dvcfiles import tracked

        versioned = tracked(path)
        raise ModelLoadError(
            path,
            "file not found",
            key=key,
            hint=versioned.missing_hint()
            if versioned
            else "train the model first (the pipeline's train stage)",
        )
    if path.is_dir():
        raise ModelLoadError(path, "is a folder, not a model file", key=key)
    if path.stat().st_size == 0:
        raise ModelLoadError(path, "the file is empty", key=key)
    with project_on_path(root):
        if suffix in SKOPS:
            model = _load_skops(path, key, trusted)
        elif suffix in PICKLE:
            model = _load_pickle(path, key)
        else:
            raise ModelLoadError(
                path,
                f"unsupported model file type {suffix or '(none)'!r}",
                key=key,
                hint="use .joblib, .pkl or .skops, or [model].loader",
            )
    return require_predict(model, f"{path}", key, method)


def _load_pickle(path: Path, key: str) -> Any:
    import joblib

    try:
        return joblib.load(path)
    except ModuleNotFoundError as exc:
        raise ModelLoadError(
            path,
            f"the model needs the module {exc.name!r}",
            key=key,
            hint="install the project (pip install -e .) or the library the model was trained with",
        ) from None
    except Exception as exc:
        raise ModelLoadError(
            path,
            f"not a model file joblib or pickle can read "
            f"({type(exc).__name__}: {_first_line(exc)})",
            key=key,
        ) from None


def _load_skops(path: Path, key: str, trusted: list[str]) -> Any:
    from skops import io as skops_io

    try:
        untrusted = skops_io.get_untrusted_types(file=path)
    except Exception as exc:
        raise ModelLoadError(
            path, f"not a skops file ({type(exc).__name__}: {_first_line(exc)})", key=key
        ) from None
    unknown = [t for t in untrusted if t not in TRUSTED_TYPES and t not in trusted]
    if unknown:
        raise ModelLoadError(
            path,
            f"contains types sekit does not trust: {unknown}",
            key=key,
            hint="review them, then list them in [model].trusted_types",
        )
    try:
        return skops_io.load(path, trusted=list(untrusted))
    except Exception as exc:
        raise ModelLoadError(
            path, f"skops could not load it ({type(exc).__name__}: {_first_line(exc)})", key=key
        ) from None


def call_loader(spec: str, *, root: Path, source: Path, method: str = "predict") -> Any:
    """Import ``module:callable`` with the project importable, call it, return the model (it
    must have ``method``)."""
    module_name, _, attribute = spec.partition(":")
    with project_on_path(root):
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            raise ModelLoadError(
                source,
                f"cannot import {module_name!r} for the loader "
                f"({type(exc).__name__}: {_first_line(exc)})",
                key="model.loader",
                hint="is the project installed, or in src/?",
            ) from None
        loader = getattr(module, attribute, None)
        if not callable(loader):
            raise ModelLoadError(
                source, f"{spec!r}: {module_name} has no callable {attribute!r}", key="model.loader"
            )
        try:
            model = loader()
        except Exception as exc:
            raise ModelLoadError(
                source,
                f"the loader {spec!r} raised {type(exc).__name__}: {_first_line(exc)}",
                key="model.loader",
            ) from None
    return require_predict(model, f"{spec}", "model.loader", method)


def require_predict(model: Any, where: str, key: str, method: str = "predict") -> Any:
    """``model`` itself, or a :class:`~sekit.errors.ModelLoadError` when it has no ``method``."""
    if not callable(getattr(model, method, None)):
        raise ModelLoadError(
            where,
            f"is a {type(model).__name__}, not a model (it has no {method} method)",
            key=key,
        )
    return model


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else "no message"
