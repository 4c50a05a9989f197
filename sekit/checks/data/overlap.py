"""Test rows seen in training (part of ``label_leakage``).

What blocks is more test rows seen in train than 1,999 random re-splits of the pooled rows
produce (:mod:`.pairs`: the null is the data's own, exact for a random split), above
``[data.leakage].max_overlap``: counted over every rare pattern at 0.001, and over the rows
that hold a value no other record holds, or that no other record comes within one column of,
at a looser level (a clean source seldom holds such rows twice; three or five copies of them
are enough). A copy is the whole record: rows are compared with their label, so the label's
own value can make a record rich, and in a table whose records all differ in their features
(a designed experiment: each variety on each site in each year, once) every record is
(:func:`.repeats.keyed`). Test rows that a model of chance (:mod:`.chance`) calls
copies, and rows equal down to a value no other record holds (:func:`.repeats.unique_valued`:
records the source itself may hold twice, which a random split puts on both sides) warn.
Rows of one entity measured several times are ``repeated_entities`` (:mod:`.entities`), not
copies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.data import chance, measured, pairs
from sekit.checks.data.entities import entities
from sekit.checks.data.kinds import LABEL_LEAKAGE
from sekit.checks.findings import example_rows, finding, percent
from sekit.results import Finding
from sekit.subjects.datasets import DataBundle

if TYPE_CHECKING:
    import pandas as pd


def overlap_findings(bundle: DataBundle, metrics: dict[str, float]) -> list[Finding]:
    """Test rows seen in training: blocked beyond random re-splits of the pooled rows, warned
    where only a model of chance, or a record the source holds twice, says so."""
    import numpy as np

    assert bundle.test is not None
    features = bundle.shared_features(bundle.test)
    train_hashes = bundle.row_hashes("train", features)
    test_hashes = bundle.row_hashes("test", features)
    seen = test_hashes.isin(train_hashes)
    leaked = seen & False
    if seen.any():
        counts = train_hashes.value_counts()
        groups = test_hashes[seen].drop_duplicates()
        positions = train_hashes.reset_index(drop=True)
        first = {h: int(i) for i, h in zip(positions.index, positions.to_numpy(), strict=True)}
        from sekit.checks.data.repeats import chance_model

        model = chance_model(bundle, bundle.train, features)
        flags = chance.beyond_chance(
            model,
            [(model.codes[first[h]], int(counts[h])) for h in groups.to_numpy()],
            model.rows,
            seen=False,
            opportunities=len(test_hashes),
        )
        beyond = groups.to_numpy()[np.asarray(flags, dtype=bool)]
        leaked = test_hashes.isin(beyond)
    # a test row equal to a training row down to a value no other record holds is the same
    # record, even of an entity a column names; a declared group, and feature vectors that
    # recur with other labels (measured again), say otherwise
    certain = seen.copy()
    found = entities(bundle)
    of_entities = None
    if found is not None and found.key("test") is not None:
        # test rows of entities in train are repeated_entities (data.entities), not copies
        train_keys, test_keys = found.key("train"), found.key("test")
        assert train_keys is not None and test_keys is not None
        of_entities = test_keys.isin(set(train_keys.dropna())) & test_keys.notna()
        of_entities = of_entities.reindex(leaked.index, fill_value=False)
        leaked, seen = leaked & ~of_entities, seen & ~of_entities
        if found.by is None or found.declared is not None:
            certain = certain & ~of_entities
    count, by_chance = int(leaked.sum()), int((seen & ~leaked).sum())
    share = count / len(test_hashes)
    metrics["train_test_overlap"] = share
    metrics["chance_train_test_overlap"] = by_chance / len(test_hashes)
    # Not counted against re-splits of rows: where the entities are the feature vectors
    # themselves (found from repeats with varying labels), a test row equal to a training
    # record is a repeated measurement as often as a copy, and cannot be told from one; and
    # where the team declared its group, the split is by group, which moves twins together
    # (two travellers alike in several rows), so re-splitting rows is not its null; a copied
    # test row carries its group into the test set, which repeated_entities blocks. An entity
    # a column names, undeclared, leaves its rows distinct records (a subject once in each
    # condition), whose copies are counted.
    by_rows = found is None or (found.by is not None and found.declared is None)
    excess = _excess_findings(bundle, metrics) if by_rows else []
    findings = [] if excess else _copied_findings(bundle, features, certain, metrics)
    if count and not excess and not findings:
        # A model of chance that takes columns as independent undercounts honest repeats in
        # coarse, correlated data (people with the same few integer answers): it warns; the
        # re-split count below, whose null is the data's own, decides.
        findings.append(
            finding(
                LABEL_LEAKAGE,
                "warn",
                f"{bundle.test.source}: {count:,} test rows ({percent(share)}) also appear in "
                "the training set, more often than a model of chance explains; the test score "
                "may overstate how the model does on new data" + measured.note("chance_overlap"),
                count=count,
                share=share,
                rows=example_rows(leaked),
                problem="chance_overlap",
            )
        )
    findings += excess
    if by_chance:
        findings.append(
            finding(
                LABEL_LEAKAGE,
                "info",
                f"{by_chance:,} test rows share a common pattern with training rows, as often as "
                "chance does (identical answers from different records): not counted as leaked",
                count=by_chance,
                problem="train_test_overlap",
            )
        )
    return findings


def _copied_findings(
    bundle: DataBundle, features: list[str], seen: pd.Series, metrics: dict[str, float]
) -> list[Finding]:
    """Test rows equal to a training row down to a value no other record holds: the same
    record on both sides (:func:`.repeats.unique_valued`), certain without a model of chance."""
    from sekit.checks.data.repeats import unique_valued, with_unique_value

    assert bundle.test is not None
    # a copy carries its label along: equal features with another label are another record
    # (another disease counted in the same state and week), so the label is compared too
    label = bundle.label
    whole = features + ([label] if label is not None and label in bundle.test.frame else [])
    if len(whole) > len(features):
        seen = seen & bundle.row_hashes("test", whole).isin(bundle.row_hashes("train", whole))
    unique = unique_valued(bundle, whole)
    copied = seen & with_unique_value(bundle.test.frame, unique).to_numpy()
    count = int(copied.sum())
    share = count / max(len(seen), 1)
    metrics["copied_test_rows"] = share
    if not count:
        return []
    shown = ", ".join(" and ".join(repr(c) for c in group) for group in unique[:3])
    return [
        # A warning: records the source itself holds twice land on both sides of a random
        # split as often as this (the held-out corpus: 1,200 R tables hold such records); what
        # blocks is more of them than random re-splits of the pooled rows put there.
        finding(
            LABEL_LEAKAGE,
            "warn",
            f"{bundle.test.source}: {count:,} test rows ({percent(share)}) are training rows, "
            f"equal in every feature and the label down to values no other record holds "
            f"({shown}): the same records on both sides, no more often than a random split of "
            f"the pooled rows puts them there; deduplicate before splitting"
            + measured.note("copied_rows"),
            count=count,
            share=share,
            unique_columns=[list(group) for group in unique],
            rows=example_rows(copied),
            problem="copied_rows",
        )
    ]


# what a count over some patterns says, in a finding's message
AMONG = {
    "rare": "",
    "rich": " over rows with a value no other record holds, judged at {alpha:g}: a clean "
    "source seldom holds such a row twice",
    "isolated": " over rows no other record comes within one column of, judged at {alpha:g}: "
    "a clean source seldom holds such a row twice",
    "keyed": " over records (features and label) of a table where no two records share their "
    "features, judged at {alpha:g}: a clean source seldom holds such a record twice",
}


def _excess_findings(bundle: DataBundle, metrics: dict[str, float]) -> list[Finding]:
    """Leaked rows that each look like chance, seen together (:mod:`.pairs`): over every rare
    pattern, and over the twins of rich rows alone, which a clean source seldom holds."""
    import numpy as np
    import pandas as pd

    from sekit.checks.data.repeats import keyed, unique_valued, with_unique_value

    assert bundle.test is not None
    features = bundle.shared_features(bundle.test)
    # a copy carries its label along: rows are counted as whole records (two people with the
    # same answers and different outcomes are not a copy), and a label measured to many
    # decimals makes a record rich as any feature does
    label = bundle.label
    whole = features
    if label is not None and all(label in d.frame for d in (bundle.train, bundle.test)):
        whole = [*features, label]
    train_hashes = bundle.row_hashes("train", whole)
    test_hashes = bundle.row_hashes("test", whole)
    if not pd.concat([train_hashes, test_hashes], ignore_index=True).duplicated().any():
        return []  # no row occurs twice: nothing to count
    frames = [bundle.train.frame[whole], bundle.test.frame[whole]]
    unique = unique_valued(bundle, whole)
    rich = np.concatenate([with_unique_value(f, unique).to_numpy() for f in frames])
    is_keyed = len(whole) > len(features) and keyed(bundle, features, whole[-1])
    if is_keyed:
        rich[:] = True  # no two records share their features: every row is its own
    isolated = pairs.isolated_rows(pd.concat(frames, ignore_index=True))
    split = pairs.compare(train_hashes, test_hashes, rich=rich, isolated=isolated)
    if split is None:
        return []
    metrics["excess_train_test_overlap"] = split.test_seen.share
    seen = split.leaked
    if seen is None:
        return []
    limit = bundle.leakage.max_overlap
    among = AMONG["keyed" if is_keyed and seen.among == "rich" else seen.among]
    among = among.format(alpha=seen.alpha)
    return [
        finding(
            LABEL_LEAKAGE,
            "fail" if seen.share > limit else "warn",
            f"{bundle.test.source}: {seen.observed:,} test rows also appear in the training set "
            f"where a random split of the same rows gives {seen.expected:,.1f} on average "
            f"(p = {seen.p_value:.2g}, {pairs.PERMUTATIONS:,} re-splits{among}): about "
            f"{percent(seen.share)} of the test set looks leaked from train (limit "
            f"{percent(limit)})",
            count=seen.observed,
            expected=seen.expected,
            share=seen.share,
            p_value=seen.p_value,
            alpha=seen.alpha,
            among=seen.among,
            problem="train_test_overlap",
        )
    ]
