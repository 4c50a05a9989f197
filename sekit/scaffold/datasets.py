"""The datasets a scaffolded project starts from, and the facts its templates need.

Both ship with scikit-learn, so a new project runs offline: the breast cancer data
(classification: malignant or benign) and the diabetes data (regression: disease progression a
year later), in their original units. A synthetic ``clinic`` column (which site measured the
sample) is added: the model receives it but must not use it, which the project's invariance
property tests.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

CLINICS = ("north", "south", "west")


@dataclass(frozen=True)
class Feature:
    name: str  # snake_case, as the project uses it
    raw: str  # as the source names it
    type: str  # float | int
    low: float
    high: float


@dataclass(frozen=True)
class DatasetInfo:
    key: str
    title: str
    loader: str  # sklearn.datasets function
    loader_kwargs: dict[str, Any]
    task: str
    label: str
    classes: list[str]  # classification: index -> name, as the source encodes them
    positive: str | None  # the class the directional property is about
    features: list[Feature]
    directional: str  # feature that must move the output one way
    rows: int
    description: str
    minimum_cases: list[dict[str, Any]] = field(default_factory=list)
    payloads: list[dict[str, Any]] = field(default_factory=list)

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features]


def snake(name: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


def _nice(value: float, up: bool) -> float:
    """Round outward to three significant digits."""
    if value == 0:
        return 0.0
    magnitude = 10 ** (math.floor(math.log10(abs(value))) - 2)
    rounded = (math.ceil if up else math.floor)(value / magnitude) * magnitude
    return float(f"{rounded:.6g}")


def _bounds(low: float, high: float) -> tuple[float, float]:
    span = high - low
    lower = 0.0 if low >= 0 and low - 0.25 * span <= 0 else _nice(low - 0.25 * span, up=False)
    return lower, _nice(high + 0.5 * span, up=True)


def load(template: str) -> DatasetInfo:
    """Facts about the dataset of ``template`` (classification or regression)."""
    import numpy as np
    from sklearn import datasets

    if template == "classification":
        bunch = datasets.load_breast_cancer(as_frame=True)
        frame = bunch.frame
        label_values = frame.pop("target")
        classes = [str(c) for c in bunch.target_names]
        key, label, positive, directional = "breast_cancer", "diagnosis", "malignant", "worst_area"
        title = "Breast cancer diagnosis (Wisconsin), 569 samples, 30 measurements"
        description = (
            "Measurements of cell nuclei in images of breast tissue samples; the "
            "label says whether the sample is malignant or benign."
        )
        loader, kwargs = "load_breast_cancer", {}
    else:
        bunch = datasets.load_diabetes(as_frame=True, scaled=False)
        frame = bunch.frame
        label_values = frame.pop("target")
        classes, key, label, positive, directional = [], "diabetes", "progression", None, "bmi"
        title = "Diabetes progression, 442 patients, 10 baseline measurements"
        description = (
            "Age, sex, body mass index, blood pressure and six blood serum "
            "measurements of diabetes patients; the label is a measure of disease "
            "progression one year later."
        )
        loader, kwargs = "load_diabetes", {"scaled": False}
    features = []
    for raw in frame.columns:
        values = frame[raw].to_numpy(dtype=float)
        integral = bool(np.all(values == np.round(values)))
        if integral and len(np.unique(values)) <= 10:  # a code such as sex: exact range
            low, high = float(values.min()), float(values.max())
        else:
            low, high = _bounds(float(values.min()), float(values.max()))
            if integral:
                low, high = float(math.floor(low)), float(math.ceil(high))
        features.append(Feature(snake(raw), raw, "int" if integral else "float", low, high))
    info = DatasetInfo(
        key=key,
        title=title,
        loader=loader,
        loader_kwargs=kwargs,
        task=template,
        label=label,
        classes=classes,
        positive=positive,
        features=features,
        directional=directional,
        rows=len(frame),
        description=description,
    )
    renamed = frame.rename(columns={f.raw: f.name for f in features})
    for feature in features:
        if feature.type == "int":
            renamed[feature.name] = renamed[feature.name].astype(int)
    renamed["clinic"] = [CLINICS[i % len(CLINICS)] for i in range(len(renamed))]
    if template == "classification":
        renamed[label] = [classes[int(v)] for v in label_values]
        order = renamed.sort_values(directional)
        cases = [*order.head(5).to_dict("records"), *order.tail(5).to_dict("records")]
        info.minimum_cases.extend(_plain(case) for case in cases)
    payload_rows = renamed.drop(columns=[label] if label in renamed else []).sample(
        n=50, random_state=7
    )
    info.payloads.extend(_plain(row) for row in payload_rows.to_dict("records"))
    return info


def _plain(record: dict[Any, Any]) -> dict[str, Any]:
    """Plain Python values; floats to 10 significant digits, so that the generated files are
    the same whichever scikit-learn version computed the data (4.804, not 4.803999999999999)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        item = getattr(value, "item", None)
        plain = item() if callable(item) else value
        out[str(key)] = float(f"{plain:.10g}") if isinstance(plain, float) else plain
    return out
