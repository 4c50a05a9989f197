"""A sekit plugin suite: personal data in a team's datasets.

Everything sekit needs is declared here: the suite (``sekit check privacy``), its config table
``[privacy]``, its option ``--columns``, its check with the finding kind ``personal_data``
(explained by ``sekit explain``), the metric ``privacy.pii_share`` (gateable) and a picture for
the HTML report. It is listed in the ``sekit.suites`` entry-point group of its pyproject.toml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Self

from pydantic import Field, ValidationInfo, model_validator

from sekit.checks.findings import finding, outcome
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.checks.suite import Suite, SuiteOptions, Table
from sekit.results import CheckResult, Evidence, Finding, Outcome
from sekit.subjects.datasets import bundle_from_config

if TYPE_CHECKING:
    from sekit.checks.context import Context
    from sekit.config.schema import Config
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure

PATTERNS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "phone": re.compile(r"\+?\d[\d ()/-]{7,}\d"),
}


class Privacy(Table):
    """``[privacy]``: which columns may hold personal data, and how much is too much."""

    table = "privacy"

    allowed: list[str] = Field(
        default_factory=list, description="columns that may hold personal data (consented)"
    )
    max_share: float = Field(
        0.0, ge=0, le=1, description="share of a column's values that may look personal"
    )


class PrivacyOptions(SuiteOptions):
    """``sekit check privacy``'s option."""

    only: str | None = Field(None, description="Scan only this column.")

    @model_validator(mode="after")
    def _named(self, info: ValidationInfo) -> Self:
        if self.only is not None and not self.only.strip():
            raise ValueError("name a column")
        return self


class Shares(Evidence):
    """Share of each scanned column's values that look personal."""

    name = "pii_shares"

    shares: dict[str, float]
    limit: float


PERSONAL_DATA = Kind(
    "personal_data",
    "values that look like e-mail addresses or phone numbers in a column not allowed to hold them",
    "Personal data in training data is a legal and ethical risk, and models can memorise it.",
    "Look at the rows the finding names; find the stage of the pipeline that let them in.",
    "Drop or pseudonymise the column in the sanitize stage, or list it in [privacy].allowed.",
)
PII_SHARE = Metric(
    "privacy.pii_share",
    "the largest share of personal-looking values in a column not allowed to hold them",
    "A gate on it keeps personal data out of what the model learns from.",
    "Read the personal_data findings.",
    "Clean the column, or allow it explicitly.",
    gate="max = 0",
)


def check_privacy(ctx: Context) -> Outcome:
    config = ctx.config
    assert config.data is not None
    settings = config.table(Privacy) or Privacy()
    only = ctx.options.of(PrivacyOptions).only
    frame = bundle_from_config(ctx).train.frame  # read once per run, shared with every suite
    if only is not None and only not in frame.columns:
        from sekit.errors import UsageError

        raise UsageError(f"--only {only!r} is not a column of {config.data.train.name}")
    shares: dict[str, float] = {}
    findings: list[Finding] = []
    for column in [only] if only else list(frame.columns):
        if column in settings.allowed:
            continue
        values = frame[column].dropna().astype(str)
        hits = values.map(lambda v: any(p.search(v) for p in PATTERNS.values()))
        share = float(hits.mean()) if len(values) else 0.0
        shares[column] = share
        if share > settings.max_share:
            rows = [int(i) for i in values.index[hits.to_numpy()][:5]]
            findings.append(
                finding(
                    PERSONAL_DATA,
                    "fail",
                    f"{share:.0%} of {column!r} looks like e-mail addresses or phone numbers",
                    column=column,
                    rows=rows,
                )
            )
    kept = Shares(shares=shares, limit=settings.max_share)
    findings.append(kept.finding(PERSONAL_DATA, "share per column"))
    worst = max(shares.values(), default=0.0)
    return outcome(
        findings, f"{len(shares)} columns scanned, worst {worst:.0%}", {"pii_share": worst}
    )


def figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    from sekit.report import svg

    kept = Shares.read(result)
    if kept is None:
        return []
    reported = {f.column for f in result.findings if f.kind == PERSONAL_DATA.name}
    ranked = sorted(kept.shares.items(), key=lambda kv: -kv[1])
    bars = svg.bars(
        [svg.Bar(column, share, marked=column in reported) for column, share in ranked],
        limit=kept.limit,
        axis="share of the column's values",
    )
    return [svg.Figure("pii_shares", "Share of personal-looking values per column.", bars)]


def _applies(config: Config, asked: bool) -> str | None:
    return None if config.data is not None else "the config has no [data] table"


PII_CHECK = CheckSpec(
    id="privacy.pii",
    title="personal data in the training data",
    func=check_privacy,
    emits="`personal_data` (fail) above `[privacy].max_share`",
    kinds=(PERSONAL_DATA,),
    metrics=(PII_SHARE,),
    settings=("[privacy]",),
    section=("[privacy]", Privacy),
    figures=figures,
)

SUITE = Suite(
    name="privacy",
    title="Privacy: personal data in the datasets",
    checks=lambda: [PII_CHECK],  # in report order, one line each
    applies=_applies,
    needs="[data]",
    tables=(Privacy,),
    options=PrivacyOptions,
)
