"""The graded system items credit only what the repository shows: a served log's lines are read
by sekit's one reader (validated, each line capped), so lines without a status never count as
answered, a ``synthetic`` mark never hides a server error, invalid lines are counted in the
evidence instead of stopping the grade, and a log of any size takes bounded memory. A workflow
earns retraining credit only for what its YAML really schedules and runs, never for comments.
Reproductions from issue 30."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sekit.grade.detectors import ITEMS
from sekit.grade.repository import Repository
from tests.grade.conftest import Repo

END = datetime(2026, 12, 4, 12, tzinfo=UTC)


def log(lines: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)


def request(i: int, **fields: Any) -> dict[str, Any]:
    when = (END - timedelta(minutes=20 * i)).isoformat()
    return {"timestamp": when, "request_id": f"r{i}", "status": 200} | fields


def availability(repo: Repo, text: str | bytes) -> Any:
    return ITEMS["ops.availability"](Repository(repo({"logs/requests.jsonl": text}, git=False)))


def test_lines_without_a_status_are_not_answers_and_synthetic_errors_still_count(
    repo: Repo,
) -> None:
    half = [{k: v for k, v in request(i).items() if k != "status"} for i in range(150)]
    half += [request(150 + i, status=500, synthetic=True) for i in range(150)]
    found = availability(repo, log(half))
    assert found.status != "met", found.evidence
    assert found.share < 0.5
    text = " ".join(found.evidence)
    assert "150 lines without a status" in text
    assert "0.00% of 150 requests" in text


def test_a_synthetic_mark_leaves_out_only_answered_load_test_lines(repo: Repo) -> None:
    lines = [request(i) for i in range(150)]
    lines += [request(150 + i, synthetic=True) for i in range(100)]
    found = availability(repo, log(lines))
    assert found.status == "met", found.evidence
    assert "of 150 requests" in found.evidence[0]


def test_infinity_and_mixed_time_zones_are_counted_not_a_crash(repo: Repo) -> None:
    lines = [request(i) for i in range(200)]
    text = log(lines)
    text += '{"timestamp": "2026-12-04T11:00:00+00:00", "status": 200, "latency_ms": Infinity}\n'
    text += '{"timestamp": "2026-12-04T11:00:00", "status": 200}\n'  # no time zone
    east = timezone(timedelta(hours=5))  # the same moments written in another zone
    text += log(
        [
            request(i, timestamp=(END - timedelta(hours=i)).astimezone(east).isoformat())
            for i in range(3)
        ]
    )
    found = availability(repo, text)
    evidence = " ".join(found.evidence)
    assert found.status == "partial", found.evidence  # 2 invalid lines in 205: not verified
    assert "2 of 205 lines are invalid" in evidence
    assert "Infinity" in evidence and "time zone" in evidence


def test_one_invalid_line_in_a_long_log_is_counted_and_the_rest_is_graded(repo: Repo) -> None:
    text = log([request(i) for i in range(300)]) + '{"timestamp": "2026-12-04T11:00:00Z", "sta'
    found = availability(repo, text)
    assert found.status == "met", found.evidence
    assert "1 of 301 lines is invalid" in " ".join(found.evidence)


def test_a_huge_log_without_a_newline_takes_bounded_memory(repo: Repo) -> None:
    root = repo({"README.md": "x\n"}, git=False)
    path = root / "logs" / "requests.jsonl"
    path.parent.mkdir()
    with path.open("wb") as handle:
        handle.write(b'{"timestamp": "')
        handle.truncate(1 << 30)  # 1 GiB, sparse: no newline anywhere
    tracemalloc.start()
    try:
        found = ITEMS["ops.availability"](Repository(root))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, peak
    assert found.status == "missing"
    assert "longer than" in " ".join(found.evidence)


COMMENTED = """# on:
#   schedule:
#     - cron: "17 3 * * *"
# jobs:
#   retrain:
#     steps:
#       - run: sekit retrain
"""
PUSHED = """on:
  push:
  # schedule:
  #   - cron: "17 3 * * *"
jobs:
  retrain:
    runs-on: ubuntu-latest
    steps:
      - run: sekit retrain
"""
GITLAB = """retrain:
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
  script:
    - sekit retrain
test:
  script:
    - pytest
"""


def test_a_workflow_of_comments_earns_no_retraining_credit(repo: Repo) -> None:
    found = ITEMS["ops.retraining"](
        Repository(repo({".github/workflows/retrain.yml": COMMENTED}, git=False))
    )
    assert found.status == "missing", found.evidence


def test_a_schedule_in_a_comment_schedules_nothing(repo: Repo) -> None:
    found = ITEMS["ops.retraining"](
        Repository(repo({".github/workflows/retrain.yml": PUSHED}, git=False))
    )
    assert found.status == "missing", found.evidence


def test_a_gitlab_schedule_that_retrains_is_met(repo: Repo) -> None:
    found = ITEMS["ops.retraining"](Repository(repo({".gitlab-ci.yml": GITLAB}, git=False)))
    assert found.status == "met", found.evidence
    assert found.evidence[0].startswith(".gitlab-ci.yml:5")
