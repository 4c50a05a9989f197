"""``model.footprint``: what the model file costs to ship and to hold, for the gates.

CMU's project asks for the model's disk and memory size; a release with a model ten times
larger than the last one is worth a gate. The file is loaded once more, on its own, so that
nothing else the suite holds is counted: the size on disk, the time to load it, and the peak
memory Python's allocator traced while loading (:mod:`tracemalloc`; NumPy reports its arrays
to it, so a scikit-learn model or a matrix of item weights is counted; memory a C library
allocates behind Python's back is not). Reported, not judged: a bound is the team's, as a
gate (``model.model_bytes = { max = ... }``).
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path
from typing import Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.fs import shown_path
from sekit.results import Outcome
from sekit.subjects.model_files import PICKLE, SKOPS, load_model_file


def needs_file(config: Any) -> str | None:
    model = config.model
    if model is None or model.path is None or isinstance(model.path, str):
        return "no [model].path file (a loader, an MLflow URI or an endpoint has no file)"
    if Path(model.path).suffix.lower() not in (*PICKLE, *SKOPS):
        return f"[model].path is not a joblib, pickle or skops file: {model.path}"
    return None


def check_footprint(ctx: Context) -> Outcome:
    config = ctx.config
    section = config.model
    assert section is not None and isinstance(section.path, Path)  # needs_file
    method = "recommend" if section.task == "ranking" else "predict"
    tracing = tracemalloc.is_tracing()  # someone else's trace (a profiler): leave it running
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    try:
        load_model_file(
            section.path,
            key="model.path",
            root=config.root,
            trusted=section.trusted_types,
            method=method,
        )
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if not tracing:
            tracemalloc.stop()
    size = section.path.stat().st_size
    metrics = {"model_bytes": float(size), "load_seconds": seconds, "load_peak_bytes": float(peak)}
    shown = (
        f"{shown_path(section.path, config.root)}: {_mb(size)} on disk, {_mb(peak)} at most "
        f"while loading, loaded in {seconds:.2f} s"
    )
    return outcome([finding(FOOTPRINT, "info", shown)], shown, metrics)


def _mb(size: float) -> str:
    return f"{size / 1e6:.1f} MB"


FOOTPRINT = Kind(
    "model_footprint",
    "the model file's size on disk, the memory and the time it takes to load (info)",
    (
        "A model that grows release after release slows every start of the service and every "
        "deployment, and may not fit the machine that serves it."
    ),
    "Compare the numbers with the previous release's report.",
    "Prune what the model holds (an item-item matrix of rarely seen items, unused trees); "
    "store weights as float32.",
    trust="Measured: the file's size is a fact; the peak is what Python's allocator saw.",
)
MODEL_BYTES = Metric(
    "model.model_bytes",
    "the model file's size on disk, in bytes",
    "The [model].path file.",
    "Compare with the previous release.",
    "See model_footprint.",
    gate="max = 100_000_000",
)
LOAD_PEAK = Metric(
    "model.load_peak_bytes",
    "the most memory Python's allocator held while loading the model, in bytes",
    "Traced with tracemalloc during a load of its own.",
    "Several times the file's size: the model unpacks into larger structures.",
    "See model_footprint.",
)
LOAD_SECONDS = Metric(
    "model.load_seconds",
    "the time to load the model file once, in seconds",
    "Wall time on the machine that ran the check: compare runs of one machine only.",
    "What every start of the service waits for.",
    "See model_footprint.",
)

FOOTPRINT_CHECK = CheckSpec(
    id="model.footprint",
    title="the model's size on disk and in memory (for the gates)",
    func=check_footprint,
    emits="`model_footprint` (info): size on disk, peak memory and time to load",
    kinds=(FOOTPRINT,),
    metrics=(MODEL_BYTES, LOAD_PEAK, LOAD_SECONDS),
    requires=needs_file,
    settings=("[model].path",),
)
