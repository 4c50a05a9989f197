"""The model suite's checks of a recommender, on a world of two tastes (recommenders.py):
each broken recommender is caught by the check that names its fault, the clean one passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sekit.config.loader import load_config
from sekit.errors import ConfigError
from sekit.runner import run_checks

HERE = Path(__file__).parent
CHECKS = ("model.ranking", "model.ranking_baseline", "model.ranking_behaviour")


def world(folder: Path, *, temporal: bool = True) -> None:
    """200 users in ten groups; each user first meets the two popular items (100, 101), then
    eight of their group's ten items; the last three (by time) are held out, or a random 30%."""
    rng = np.random.default_rng(3)
    rows = []
    for user in range(200):
        block = 10 * (user % 10)
        items = [100, 101, *rng.choice(np.arange(block, block + 10), 8, replace=False)]
        for time, item in enumerate(items):
            rows.append({"user_id": user, "item_id": int(item), "rating": 5.0, "t": time})
    frame = pd.DataFrame(rows)
    held = frame["t"] >= 7 if temporal else pd.Series(rng.random(len(frame)) < 0.3)
    frame[~held].to_csv(folder / "train.csv", index=False)
    frame[held].to_csv(folder / "test.csv", index=False)
    users = pd.DataFrame({"user_id": range(200), "gender": ["f", "m"] * 100})
    users.to_csv(folder / "users.csv", index=False)


def project(folder: Path, loader: str, extra: str = "", *, temporal: bool = True) -> Path:
    world(folder, temporal=temporal)
    shutil.copy(HERE / "recommenders.py", folder / "recs.py")
    (folder / "sekit.toml").write_text(
        f"""
[project]
name = "films"
[data]
train = "train.csv"
test = "test.csv"
ignore = ["user_id", "item_id", "t"]
[model]
loader = "recs:{loader}"
task = "ranking"
[model.ranking]
timestamp = "t"
k = 5
{extra}
"""
    )
    return folder


def run(folder: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(folder)  # the recommenders read train.csv from here
    results = run_checks(load_config(folder / "sekit.toml"), suites=["model"])
    return {r.id: r for r in results if r.id in CHECKS}


def fails(result: object) -> set[str]:
    return {f.kind for f in result.findings if f.severity == "fail"}  # type: ignore[attr-defined]


def test_a_recommender_of_the_users_taste_passes_every_check(tmp_path, monkeypatch):
    found = run(project(tmp_path, "taste"), monkeypatch)
    assert {r.status for r in found.values()} == {"pass"}, [r.summary for r in found.values()]
    ranking = found["model.ranking"].metrics
    assert ranking["hit_rate_at_k"] > 0.5 and ranking["temporal_overlap"] == 0
    baseline = found["model.ranking_baseline"].metrics
    assert baseline["popular_gain"] > 0.2 and baseline["random_gain"] > 0.2
    assert found["model.ranking_behaviour"].metrics["personalised_share"] == 1.0


@pytest.mark.parametrize(
    ("loader", "check", "kind"),
    [
        ("popular", "model.ranking_baseline", "simple_model_better"),
        ("same", "model.ranking_behaviour", "not_personalised"),
        ("duplicates", "model.ranking_behaviour", "invalid_output"),
        ("seen_too", "model.ranking_behaviour", "seen_items"),
        ("no_cold_start", "model.ranking_behaviour", "cold_start"),
    ],
)
def test_each_broken_recommender_fails_the_check_that_names_its_fault(
    loader, check, kind, tmp_path, monkeypatch
):
    found = run(project(tmp_path, loader), monkeypatch)
    assert found[check].status == "fail" and kind in fails(found[check]), found[check].summary


def test_the_popular_items_changed_for_six_users_do_not_credibly_beat_them(tmp_path, monkeypatch):
    """Six users gain and none loses: the bootstrap of the mean calls that credible (p < 0.01),
    the exact sign test does not (1/64)."""
    found = run(project(tmp_path, "nearly_popular"), monkeypatch)
    against = {
        f.evidence["baseline"]: f
        for f in found["model.ranking_baseline"].findings
        if f.kind == "simple_model_better"
    }
    assert "popular" in against, found["model.ranking_baseline"].summary
    assert (
        against["popular"].evidence["users_better"],
        against["popular"].evidence["users_worse"],
    ) == (6, 0)


def test_a_profile_edit_that_moves_the_lists_is_an_invariance_violation(tmp_path, monkeypatch):
    extra = (
        'users = "users.csv"\nprofile = ["gender"]\n'
        '[[behaviour]]\nkind = "invariance"\nfeature = "gender"\n'
    )
    found = run(project(tmp_path, "by_profile", extra), monkeypatch)
    behaviour = found["model.ranking_behaviour"]
    assert (
        "invariance_violation" in fails(behaviour) and behaviour.metrics["profile_changes"] == 200
    )
    clean = run(project(tmp_path, "taste", extra), monkeypatch)["model.ranking_behaviour"]
    assert clean.status == "pass" and clean.metrics["profile_changes"] == 0


def test_a_split_that_is_not_by_time_is_temporal_leakage(tmp_path, monkeypatch):
    found = run(project(tmp_path, "taste", temporal=False), monkeypatch)
    ranking = found["model.ranking"]
    assert "temporal_leakage" in fails(ranking) and ranking.metrics["temporal_overlap"] > 0.3


def test_classification_checks_step_aside_for_a_ranking_model(tmp_path, monkeypatch):
    folder = project(tmp_path, "taste")
    monkeypatch.chdir(folder)
    results = {r.id: r for r in run_checks(load_config(folder / "sekit.toml"), suites=["model"])}
    for check in ("model.quality", "model.simple_baseline", "model.behaviour"):
        assert results[check].status == "skipped" and "ranking" in results[check].summary


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[behaviour]]\nkind = "invariance"\nfeature = "age"', "not a profile column"),
        (
            '[[behaviour]]\nkind = "directional"\nfeature = "age"\nexpect = "non-decreasing"',
            "invariance properties only",
        ),
        ('relevance = "rating"', "relevance and min_relevance go together"),
        ('profile = ["age"]', "profile columns are read from users"),
    ],
)
def test_ranking_settings_that_cannot_hold_are_config_errors(tmp_path, extra, message):
    folder = project(tmp_path, "taste", extra)
    with pytest.raises(ConfigError, match=message):
        load_config(folder / "sekit.toml")


def test_ranking_keys_on_another_task_or_an_endpoint_are_config_errors(tmp_path):
    folder = project(tmp_path, "taste")
    config = folder / "sekit.toml"
    text = config.read_text()
    config.write_text(text.replace('task = "ranking"', 'task = "classification"'))
    with pytest.raises(ConfigError, match='task is not "ranking"'):
        load_config(config)
    config.write_text(
        text.replace('loader = "recs:taste"', 'endpoint = "http://127.0.0.1:9/recommend"')
    )
    with pytest.raises(ConfigError, match="a ranking model is a file or a loader"):
        load_config(config)
