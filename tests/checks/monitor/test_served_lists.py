"""``monitor.recommendations`` and ``monitor.levels`` on served logs written here: a clean
recommendation service passes, a same-list one is not personal, a flood and a failing cold
start are found, and service levels count timeouts and model updates per window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sekit.config.loader import load_config
from sekit.runner import run_checks

START = datetime(2026, 11, 2, tzinfo=UTC)


def served(folder: Path, lines: list[dict]) -> Path:
    log = folder / "requests.jsonl"
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return log


def line(minute: float, user: int, items: list[int] | str, **more: object) -> dict:
    return {
        "timestamp": (START + timedelta(minutes=minute)).isoformat(),
        "request_id": f"r{minute}-{user}",
        "model_version": more.pop("version", "v1"),
        "user_id": user,
        "prediction": items,
        "status": more.pop("status", 200),
        "latency_ms": more.pop("latency", 20.0),
        **more,
    }


def personal(user: int) -> list[int]:
    """Ten items of the user's group (100 users in ten groups of a hundred items)."""
    return list(range(100 * (user % 10), 100 * (user % 10) + 10))


def project(folder: Path, extra: str = "") -> Path:
    train = pd.DataFrame({"user_id": range(100), "item_id": range(100), "rating": 4.0})
    train.to_csv(folder / "train.csv", index=False)
    (folder / "sekit.toml").write_text(
        f"""
[project]
name = "films"
[data]
train = "train.csv"
[model]
path = "model.joblib"
task = "ranking"
[model.ranking]
k = 10
[monitor]
log = "requests.jsonl"
window = "1h"
{extra}
"""
    )
    return folder / "sekit.toml"


def monitor(config: Path) -> dict:
    return {r.id: r for r in run_checks(load_config(config), suites=["monitor"])}


def fails(result) -> set[str]:
    return {f.kind for f in result.findings if f.severity == "fail"}


def test_a_personal_service_passes_and_a_same_list_one_is_not_personal(tmp_path):
    config = project(tmp_path)
    served(tmp_path, [line(i, i, personal(i)) for i in range(100)])
    clean = monitor(config)["monitor.recommendations"]
    assert clean.status == "pass", clean.summary
    assert clean.metrics["personalised_share"] == 0.9  # one group's list is the popular one
    served(tmp_path, [line(i, i, ",".join(map(str, personal(0)))) for i in range(100)])
    same = monitor(config)["monitor.recommendations"]
    assert "not_personalised" in fails(same) and same.metrics["personalised_share"] == 0


def test_too_few_users_to_show_personalisation_is_not_measured(tmp_path):
    config = project(tmp_path)
    served(tmp_path, [line(i, i, personal(0)) for i in range(20)])  # 28 are needed at 5%
    result = monitor(config)["monitor.recommendations"]
    assert "check_error" in fails(result) and "not measured" in result.summary


def test_broken_lists_a_flood_and_a_failing_cold_start_are_found(tmp_path):
    config = project(tmp_path, "[monitor.ranking]\nmax_user_requests = 50\n")
    lines = [line(i / 10, i % 100, personal(i)) for i in range(300)]
    lines += [line(30 + i / 100, 7, personal(7)) for i in range(80)]  # user 7: 80 more in the hour
    lines += [line(40, 3, [1, 1, 2]), line(41, 4, "")]  # an item twice; nothing at all
    rng = np.random.default_rng(0)
    lines += [  # new users: mostly errors
        line(45 + i / 10, 5000 + i, [] if rng.random() < 0.6 else personal(i), status=200)
        for i in range(40)
    ]
    served(tmp_path, lines)
    result = monitor(config)["monitor.recommendations"]
    assert {"invalid_output", "request_flood", "cold_start"} <= fails(result), result.summary
    assert result.metrics["max_user_requests"] > 80
    assert result.metrics["cold_start_answered"] < 0.6


@pytest.mark.parametrize("timeout", [None, "500ms"])
def test_service_levels_count_requests_timeouts_and_updates_per_window(tmp_path, timeout):
    levels = '[monitor.levels]\nwindow = "1d"\nmin_requests = 100\nmin_availability = 0.9\n'
    levels += "min_updates = 1\n" + (f'timeout = "{timeout}"\n' if timeout else "")
    config = project(tmp_path, levels)
    lines = []
    for minute in range(0, 3 * 24 * 60, 10):  # three days, a request every ten minutes
        day = minute // (24 * 60)
        slow = day == 1 and minute % 20 == 0  # the second day: half the answers take 900 ms
        lines.append(
            line(minute, minute % 100, personal(minute), version=f"v{day}",
                 latency=900.0 if slow else 20.0)
        )  # fmt: skip
    served(tmp_path, lines)
    result = monitor(config)["monitor.levels"]
    windows = next(f for f in result.findings if f.kind == "service_levels").evidence["windows"]
    assert len(windows) == 2  # the first day is cut short: the log began inside it
    assert [w["updates"] for w in windows] == [["v1"], ["v2"]]
    if timeout is None:
        assert result.status == "pass" and result.metrics["timeouts"] == 0
    else:
        assert "availability" in fails(result) and result.metrics["window_availability"] < 0.9


def test_service_levels_of_a_log_shorter_than_the_window_are_not_measured(tmp_path):
    config = project(tmp_path, '[monitor.levels]\nwindow = "72h"\nmin_requests = 2000\n')
    served(tmp_path, [line(i, i, personal(i)) for i in range(100)])
    result = monitor(config)["monitor.levels"]
    assert result.status != "pass" and "not measured" in result.summary
