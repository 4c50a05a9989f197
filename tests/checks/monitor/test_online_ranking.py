"""``monitor.online_ranking``: served lists scored against the feedback that came after them,
within the horizon, and only lists whose horizon has passed."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from tests.checks.monitor.test_served_lists import START, line, monitor, personal, project, served

ONLINE = '[monitor.ranking]\nfeedback = "watched.csv"\nhorizon = "1h"\n'


def watched(folder, rows: list[tuple[float, int, int]], *, epoch: bool = False) -> None:
    """Feedback rows (minute, user, item); times as ISO text, or as epoch seconds."""
    moments = [START + timedelta(minutes=minute) for minute, _, _ in rows]
    times = [m.timestamp() if epoch else m.isoformat() for m in moments]
    frame = pd.DataFrame(
        {"user_id": [u for _, u, _ in rows], "item_id": [i for _, _, i in rows], "timestamp": times}
    )
    frame.to_csv(folder / "watched.csv", index=False)


@pytest.mark.parametrize("epoch", [False, True])
def test_lists_are_scored_on_what_their_users_took_within_the_horizon(tmp_path, epoch):
    config = project(tmp_path, ONLINE)
    served(tmp_path, [line(i, i, personal(i)) for i in range(100)])
    rows = [(i + 30, i, personal(i)[0] if i % 2 == 0 else 99_999) for i in range(100)]  # half
    rows += [(i - 5, i, personal(i)[1]) for i in range(1, 100, 2)]  # before the list: no hit
    rows += [(i + 90, i, personal(i)[2]) for i in range(1, 40, 2)]  # after the horizon: no hit
    watched(tmp_path, rows, epoch=epoch)
    result = monitor(config)["monitor.online_ranking"]
    assert result.status == "pass", result.summary
    # the last feedback is at minute 129: lists served after minute 69 still wait
    assert result.metrics["online_lists"] == 70
    assert result.metrics["online_hit_rate_at_k"] == pytest.approx(0.5)
    assert result.metrics["online_ndcg_at_k"] == pytest.approx(0.5)  # the hits are first
    assert result.metrics["online_precision_at_k"] == pytest.approx(0.05)  # one of ten


def test_no_list_with_a_full_horizon_of_feedback_is_not_measured(tmp_path):
    config = project(tmp_path, ONLINE)
    served(tmp_path, [line(i, i, personal(i)) for i in range(100)])
    watched(tmp_path, [(i / 2, i, personal(i)[0]) for i in range(100)])  # ends at minute 49.5
    result = monitor(config)["monitor.online_ranking"]
    assert result.status == "error" and "not measured" in result.summary, result.summary


def test_feedback_without_the_item_column_is_an_error_naming_it(tmp_path):
    config = project(tmp_path, ONLINE)
    served(tmp_path, [line(i, i, personal(i)) for i in range(100)])
    pd.DataFrame({"user_id": [1], "movie": [2], "timestamp": ["2026-11-02T00:00:00Z"]}).to_csv(
        tmp_path / "watched.csv", index=False
    )
    result = monitor(config)["monitor.online_ranking"]
    assert result.status == "error" and "'item_id'" in result.findings[0].message


def test_without_feedback_the_check_steps_aside(tmp_path):
    config = project(tmp_path)
    served(tmp_path, [line(i, i, personal(i)) for i in range(100)])
    assert monitor(config)["monitor.online_ranking"].status == "skipped"
