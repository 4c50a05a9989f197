"""``[data]``: the datasets, their schema (``[data.columns]``), and how quality, leakage and
drift are judged."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from sekit.config.values import ProjectPath, Section

ColumnType = Literal["int", "float", "bool", "category", "string", "datetime"]


class Column(Section):
    """The schema of one column: ``[data.columns.<name>]``."""

    type: ColumnType = Field(description="the column's type")
    min: float | str | None = Field(None, description="smallest allowed value (number or date)")
    max: float | str | None = Field(None, description="largest allowed value (number or date)")
    nullable: bool = Field(False, description="whether missing values are allowed")
    allowed: list[str | int | float | bool] | None = Field(
        None, description="the allowed values of a category or string column"
    )
    description: str = Field("", description="what the column means (for the readers)")

    @model_validator(mode="after")
    def _consistent(self) -> Column:
        bounds = [b for b in (self.min, self.max) if b is not None]
        if bounds and self.type not in ("int", "float", "datetime"):
            raise ValueError(f"min/max apply to int, float and datetime columns, not {self.type}")
        if self.type == "datetime":
            for bound in bounds:
                try:
                    datetime.fromisoformat(str(bound))
                except ValueError:
                    raise ValueError(
                        f"min/max of a datetime column must be ISO dates, got {bound!r}"
                    ) from None
        else:
            for key in ("min", "max"):
                if isinstance(getattr(self, key), str):
                    raise ValueError(
                        f"{key} of a numeric column must be a number, got {getattr(self, key)!r}"
                    )
        if (
            isinstance(self.min, float | int)
            and isinstance(self.max, float | int)
            and self.min > self.max
        ):
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.allowed is not None and not self.allowed:
            raise ValueError("allowed is empty: list the values, or leave allowed out")
        return self


class Drift(Section):
    """``[data.drift]``: how distribution shift between datasets is judged."""

    p_value: float = Field(
        0.005,
        gt=0,
        lt=1,
        description=(
            "the false-alarm rate allowed over all the drift tests of a run (Benjamini-Hochberg "
            "over every feature and dataset pair): a run with no drift reports any at most "
            "this often"
        ),
    )
    min_effect: float = Field(
        0.1,
        ge=0,
        le=1,
        description=(
            "and the effect size must reach this: KS statistic for numbers, "
            "total variation distance for categories (large samples make tiny shifts significant)"
        ),
    )
    max_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description=(
            "drift findings fail when more than this share of features drifted; below it they warn"
        ),
    )


class Quality(Section):
    """``[data.quality]``: when a data-quality finding warns and when it fails."""

    max_duplicate_ratio: float = Field(
        0.05, ge=0, le=1, description="duplicate rows warn; above this share of rows they fail"
    )
    max_conflicting_ratio: float | None = Field(
        None,
        ge=0,
        le=1,
        description=(
            "conflicting labels warn (equal inputs with different labels are the normal noise "
            "of a classification problem); set a share to make more than it fail"
        ),
    )
    min_class_ratio: float = Field(
        0.1, ge=0, le=1, description="class_imbalance when minority/majority is below this"
    )
    outlier_iqr: float = Field(
        3.0, gt=0, description="a value beyond this many IQRs outside the quartiles is an outlier"
    )
    max_outlier_ratio: float = Field(
        0.05, ge=0, le=1, description="outliers are info; above this share of a column, warn"
    )
    max_correlation: float = Field(
        0.98, gt=0, le=1, description="two numeric features correlated above this warn"
    )


class Leakage(Section):
    """``[data.leakage]``: a feature that gives the label away, and test rows seen in training."""

    max_feature_power: float = Field(
        0.8,
        gt=0,
        le=1,
        description=(
            "a feature whose power alone (0 = no better than the majority class or the mean, "
            "1 = perfect) reaches this is compared with all the other features together; one "
            "that beats them is an unusually strong feature (warn)"
        ),
    )
    near_perfect: float = Field(
        0.9,
        gt=0,
        le=1,
        description=(
            "a feature (or a pair of features) that alone reaches this power, cross-validated, "
            "and beats all the other features together is reported as near-perfect (and a pair "
            "is screened only below it); either way it warns: strength is not leakage, the label "
            "in disguise (certain) is what blocks"
        ),
    )
    min_advantage: float = Field(
        0.02,
        ge=0,
        le=1,
        description=(
            "a strong feature is reported when it beats the other features together by at "
            "least this much power"
        ),
    )
    p_value: float = Field(
        0.01,
        gt=0,
        lt=1,
        description="and the paired test that it beats them is below this",
    )
    max_overlap: float = Field(
        0.01,
        ge=0,
        le=1,
        description=(
            "test rows found in train beyond chance warn; above this share of the test set "
            "they fail"
        ),
    )


class Data(Section):
    """``[data]``: the datasets and their schema."""

    train: ProjectPath | None = Field(
        None,
        description="the training data: csv, parquet or jsonl (a given endpoint may have none: "
        "then the model checks use test, and the data checks do not run)",
    )
    test: ProjectPath | None = Field(None, description="the test data, in the same format")
    production: ProjectPath | None = Field(
        None, description="served inputs (e.g. the prediction log), checked for drift"
    )
    production_optional: bool = Field(
        False,
        description=(
            "a missing production file is noted and skipped instead of being an error (the log "
            "exists only once the service has answered requests)"
        ),
    )
    label: str | None = Field(None, description="the label (target) column")
    columns: dict[str, Column] = Field(default_factory=dict)
    ignore: list[str] = Field(
        default_factory=list, description="columns that are not features (ids, timestamps)"
    )
    group: str | None = Field(
        None,
        description="the column that names the entity a row belongs to (a person, a firm, a "
        "patient): rows of one entity are repeated measurements, not copies, and no entity may "
        "be in both train and test (a grouped split); not a feature",
    )
    drift: Drift = Field(default_factory=Drift)
    quality: Quality = Field(default_factory=Quality)
    leakage: Leakage = Field(default_factory=Leakage)
    sample_rows: int | None = Field(
        None, ge=1000, description="check at most this many rows per dataset (a random sample)"
    )

    @model_validator(mode="after")
    def _some_data(self) -> Self:
        if self.train is None and self.test is None:
            raise ValueError("name the data: train, test or both")
        return self
