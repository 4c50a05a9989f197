"""The data suite's shortcuts (issue 35: back above 10x Deepchecks) return what the full
computation returns, on values Hypothesis draws to break them: ties, NaN, signed zeros, a few
distinct values among many, classes in runs and out of them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from sekit import stats
from sekit.checks.data import disguise, repeats
from sekit.subjects.types import looks_categorical

FEW = st.sampled_from([0.0, -0.0, 1.0, 2.5, 3.0, np.nan, np.inf])
NUMBERS = st.lists(st.one_of(FEW, st.floats(-5, 5)), min_size=0, max_size=300)


def one_sort_in_full(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """stats._one_sort as it was: a stable sort, and np.unique for the runs of ties."""
    n, m = len(a), len(b)
    values = np.concatenate([a, b])
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    from_a = order < n
    last = np.r_[ordered[1:] != ordered[:-1], True]
    cdf_a = np.cumsum(from_a)[last] / n
    cdf_b = np.cumsum(~from_a)[last] / m
    d = float(np.max(np.abs(cdf_a - cdf_b)))
    p_ks = float(scipy_stats.kstwobign.sf(d * np.sqrt(n * m / (n + m))))
    _, first, tied = np.unique(ordered, return_index=True, return_counts=True)
    ranks = np.repeat(first + (tied + 1) / 2, tied)
    u = float(ranks[from_a].sum() - n * (n + 1) / 2)
    total = n + m
    variance = n * m / 12 * ((total + 1) - float(np.sum(tied**3 - tied)) / (total * (total - 1)))
    if variance <= 0:
        return d, p_ks, 1.0
    z = (abs(u - n * m / 2) - 0.5) / np.sqrt(variance)
    return d, p_ks, float(min(1.0, 2 * scipy_stats.norm.sf(z)))


@settings(max_examples=300, deadline=None)
@given(NUMBERS.filter(bool), NUMBERS.filter(bool))
def test_the_rank_tests_read_ties_off_one_unstable_sort(a: list[float], b: list[float]) -> None:
    left, right = np.asarray(a), np.asarray(b)
    assert stats._one_sort(left, right) == one_sort_in_full(left, right)


def threshold_in_full(
    fit: np.ndarray, fit_y: pd.Series, check: np.ndarray, check_y: pd.Series
) -> bool:
    """disguise._threshold as it was: pandas sorts and groups the rows."""
    keep = ~np.isnan(fit)
    rows = pd.DataFrame({"x": fit[keep], "y": fit_y.to_numpy()[keep].astype(str)})
    if len(rows) < disguise.MIN_ROWS or rows["y"].nunique() < 2:
        return False
    rows = rows.sort_values("x", kind="stable")
    if (rows.groupby("x")["y"].nunique() > 1).any():
        return False
    change = (rows["y"] != rows["y"].shift()).to_numpy()
    if int(change.sum()) != int(rows["y"].nunique()):
        return False
    values = rows["x"].to_numpy()
    first = np.flatnonzero(change)
    last = np.r_[first[1:] - 1, len(rows) - 1]
    classes = rows["y"].to_numpy()[first]
    present = ~np.isnan(check)
    if present.sum() < disguise.MIN_ROWS:
        return False
    cuts = (values[last[:-1]] + values[first[1:]]) / 2
    told = classes[np.searchsorted(cuts, check[present], side="right")]
    return float((told == check_y.to_numpy()[present].astype(str)).mean()) >= disguise.MIN_HELD


@st.composite
def labelled(draw: st.DrawFn) -> tuple[tuple[np.ndarray, pd.Series], tuple[np.ndarray, pd.Series]]:
    """Two sides of numbers with classes, cut at one point (a threshold; rounded, a lookup),
    a few rows of each flipped or not."""
    cut = draw(st.floats(-5, 5))
    sides = []
    for _ in range(2):
        x = np.asarray(draw(st.lists(st.one_of(FEW, st.floats(-5, 5)), max_size=200)))
        y = np.where(np.nan_to_num(x, nan=0.0) > cut, "high", "low").astype(object)
        for i in draw(st.lists(st.integers(0, max(len(x) - 1, 0)), max_size=2)) if len(x) else []:
            y[i] = "low" if y[i] == "high" else "high"
        sides.append((x, pd.Series(y)))
    return sides[0], sides[1]


@settings(max_examples=300, deadline=None)
@given(labelled())
def test_a_threshold_is_found_exactly_where_the_pandas_version_finds_it(
    sides: tuple[tuple[np.ndarray, pd.Series], tuple[np.ndarray, pd.Series]],
) -> None:
    fit, check = sides
    codes = disguise._as_text(fit[1], check[1])[2]
    found = disguise._threshold(fit[0], codes[: len(fit[0])], check[0], codes[len(fit[0]) :])
    assert found == threshold_in_full(fit[0], fit[1], check[0], check[1])


def lookup_in_full(fit: pd.Series, fit_y: pd.Series, check: pd.Series, check_y: pd.Series) -> bool:
    """disguise._lookup as it was: every value written as text first."""
    learned = pd.DataFrame({"x": fit.astype("string"), "y": fit_y.astype("string")}).dropna()
    if len(learned) < disguise.MIN_ROWS:
        return False
    per_value = learned.groupby("x")["y"]
    if int(per_value.nunique().max()) > 1:
        return False
    table = per_value.first()
    if len(table) < 2 or len(table) > len(learned) / 2:
        return False
    told = check.astype("string").map(table)
    known = told.notna()
    if float(known.mean()) < disguise.MIN_HELD:
        return False
    same = (told[known] == check_y[known].astype("string")).to_numpy(dtype=bool)
    return len(same) >= disguise.MIN_ROWS and float(same.mean()) >= disguise.MIN_HELD


@settings(max_examples=300, deadline=None)
@given(labelled(), st.booleans())
def test_a_lookup_is_found_exactly_where_the_text_version_finds_it(
    sides: tuple[tuple[np.ndarray, pd.Series], tuple[np.ndarray, pd.Series]], coarse: bool
) -> None:
    fit, check = sides
    x_fit, x_check = (np.round(x) if coarse else x for x in (fit[0], check[0]))
    y_text, check_text, _ = disguise._as_text(fit[1], check[1])
    args = (pd.Series(x_fit), fit[1], pd.Series(x_check), check[1])
    fast = disguise._lookup(args[0], y_text, args[2], check_text)
    assert fast == lookup_in_full(*args)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FEW, st.integers(0, 3).map(float), st.floats(-5, 5)), max_size=400))
def test_a_column_is_distinct_enough_exactly_when_its_count_says(values: list[float]) -> None:
    series = pd.Series(values, dtype="float64").dropna()
    plain = bool(series.nunique() >= repeats.UNIQUE * len(series))
    assert repeats._distinct_enough(series) == plain


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 30).map(float), st.floats(-5, 5), FEW), max_size=2500))
def test_a_float_column_looks_categorical_exactly_as_before(values: list[float]) -> None:
    series = pd.Series(values, dtype="float64")
    kept = series.dropna()
    before = bool(len(kept) and (kept % 1 == 0).all() and kept.nunique() <= 20)
    assert looks_categorical(series) == before
