"""``data.representation``: is every group of a protected attribute represented where it must be?

For each ``[model].sensitive`` attribute, each group's rows and share in train, test and
production (when there is one):

* fail: a group that is tested or served (at least ``[model].slice_min_size`` rows in test or
  production) but has fewer than that many training rows: the model has hardly seen it;
* warn: a group's share in test or production is below half its training share and a
  two-sided exact binomial test (Benjamini-Hochberg over the groups) says it is really lower:
  the test set cannot show how the model does for it, or production serves fewer of them
  than the model was built for.

``data.min_group_share`` is the smallest training share of any group.
"""

from __future__ import annotations

from typing import Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.errors import InputError
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import bundle_from_config

LEVEL = 0.05
MIN_RATIO = 0.5


def needs_sensitive(config: Any) -> str | None:
    if config.model is None or not config.model.sensitive:
        return "no [model].sensitive attributes to count groups of"
    return None


def check_representation(ctx: Context) -> Outcome:
    from scipy import stats as scipy_stats

    from sekit import stats

    section = ctx.config.model
    assert section is not None
    bundle = bundle_from_config(ctx)
    minimum = section.slice_min_size
    findings: list[Finding] = []
    pending: list[tuple[float, Finding]] = []
    smallest: float | None = None
    for column in section.sensitive:
        if column not in bundle.train.frame.columns:
            raise InputError(
                ctx.config.source,
                f"[model].sensitive names {column!r}, which {bundle.train.source} does not have",
                key="model.sensitive",
            )
        train = bundle.train.frame[column].astype(str).value_counts()
        total = int(train.sum())
        shares = {g: int(n) / total for g, n in train.items()}
        smallest = min([smallest, *shares.values()] if smallest is not None else shares.values())
        for dataset in (bundle.test, bundle.production):
            if dataset is None or column not in dataset.frame.columns:
                continue
            counts = dataset.frame[column].astype(str).value_counts()
            rows = int(counts.sum())
            for group, count in counts.items():
                if int(count) >= minimum and int(train.get(group, 0)) < minimum:
                    findings.append(
                        finding(
                            UNDERREPRESENTED,
                            "fail",
                            f"{column} = {group!r} has {int(count)} rows in {dataset.role} but "
                            f"{int(train.get(group, 0))} in train (fewer than {minimum}): the "
                            "model has hardly seen this group",
                            column=column,
                            group=group,
                            dataset=dataset.role,
                        )
                    )
            for group, share in shares.items():
                count = int(counts.get(group, 0))
                if rows == 0 or count / rows >= MIN_RATIO * share:
                    continue
                p_value = float(scipy_stats.binomtest(count, rows, share).pvalue)
                low, high = stats.wilson(count, rows)
                pending.append(
                    (
                        p_value,
                        finding(
                            UNDERREPRESENTED,
                            "warn",
                            f"{column} = {group!r} is {count / rows:.1%} of {dataset.role} "
                            f"(95% interval {low:.1%}-{high:.1%}) but {share:.1%} of train",
                            column=column,
                            group=group,
                            dataset=dataset.role,
                            share=count / rows,
                            train_share=share,
                            p_value=p_value,
                        ),
                    )
                )
    adjusted = stats.benjamini_hochberg([p for p, _ in pending])
    findings += [item for (_, item), q in zip(pending, adjusted, strict=True) if q < LEVEL]
    return outcome(
        findings,
        worst_summary(findings, "every group is represented in train, test and production"),
        {"min_group_share": smallest},
    )


# --- declarations ----------------------------------------------------------------------

UNDERREPRESENTED = Kind(
    "underrepresented_group",
    "a group of a protected attribute is missing or rare where it matters",
    (
        "A group the model hardly saw in training gets worse answers; a group rare in the test "
        "set gets answers nobody measured. Biased samples are the norm, not the exception."
    ),
    "Count the group's rows in each data set (the finding names them) and ask how they were "
    "collected.",
    (
        "Collect more rows for the group, or stratify the split by the attribute; say in the "
        "model card which groups the model is not fit for."
    ),
    trust=(
        "Fails only for a group with at least [model].slice_min_size rows in test or production "
        "and fewer in train; warns when a share is below half its training share by a "
        "two-sided exact binomial test (Benjamini-Hochberg, 5%)."
    ),
)
MIN_GROUP_SHARE = Metric(
    "data.min_group_share",
    "the smallest share of any group of a [model].sensitive attribute in train",
    "Each group's rows over the training rows, per attribute.",
    "A small share means the model learns little about that group.",
    "Collect more data for it.",
    gate="min = 0.05",
)

REPRESENTATION_CHECK = CheckSpec(
    id="data.representation",
    title="every protected group represented in train, test and production",
    func=check_representation,
    emits="`underrepresented_group`: a group tested or served but hardly trained on "
    "(fail), or much rarer in test or production than in train (warn)",
    kinds=(UNDERREPRESENTED,),
    metrics=(MIN_GROUP_SHARE,),
    settings=("[model].sensitive", "[model].slice_min_size"),
    requires=needs_sensitive,
)
