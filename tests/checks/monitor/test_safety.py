"""``monitor.safety`` on served logs written here: a blocked title in a list and a chat answer
that gives out a secret fail; a clean log passes; a share within its tolerance warns, one above
it fails; a log whose answers are mostly missing is not measured."""

from __future__ import annotations

from sekit.checks.monitor.safety import reasons
from tests.checks.monitor.test_served_lists import fails, line, monitor, personal, project, served

BLOCKED = '[monitor.safety]\nitems = ["7", "905"]\npatterns = ["password\\\\s*[:=]"]\n'


def clean(user: int) -> list[int]:
    return [*[item for item in personal(user) if item not in (7, 905)][:9], 999]


def test_a_blocked_title_fails_and_a_clean_log_passes(tmp_path):
    config = project(tmp_path, BLOCKED)
    served(tmp_path, [line(i, i, clean(i)) for i in range(100)])
    passed = monitor(config)["monitor.safety"]
    assert passed.status == "pass", passed.summary
    assert passed.metrics["unsafe_share"] == 0

    lines = [line(i, i, clean(i)) for i in range(100)]
    lines[40] = line(40, 40, [905, *clean(40)[:9]])
    served(tmp_path, lines)
    failed = monitor(config)["monitor.safety"]
    assert fails(failed) == {"unsafe_output"}, failed.summary
    assert "item 905" in failed.summary and "r40-40" in failed.summary


def test_a_chat_answer_that_gives_out_a_secret_fails(tmp_path):
    config = project(tmp_path, BLOCKED + 'field = "answer"\n')
    lines = [line(i, i, clean(i), answer=f"Try film {i}.") for i in range(50)]
    lines[3] = line(3, 3, clean(3), answer="The admin Password: hunter2, then film 3.")
    served(tmp_path, lines)
    failed = monitor(config)["monitor.safety"]
    assert fails(failed) == {"unsafe_output"}, failed.summary
    assert "password" in failed.summary


def test_a_tolerated_share_is_judged_with_an_exact_binomial_test(tmp_path):
    config = project(tmp_path, BLOCKED + "max_share = 0.05\n")
    lines = [line(i, i, clean(i)) for i in range(200)]
    for i in range(0, 200, 50):  # 4 of 200 (2%): within 5%
        lines[i] = line(i, i, [7, *clean(i)[:9]])
    served(tmp_path, lines)
    within = monitor(config)["monitor.safety"]
    assert within.status == "warn", within.summary
    for i in range(0, 200, 10):  # 20 of 200 (10%): credibly above 5%
        lines[i] = line(i, i, [7, *clean(i)[:9]])
    served(tmp_path, lines)
    above = monitor(config)["monitor.safety"]
    assert fails(above) == {"unsafe_output"}, above.summary
    assert "exact 95% interval" in above.summary


def test_answers_missing_from_the_log_are_not_measured(tmp_path):
    config = project(tmp_path, BLOCKED + 'field = "answer"\n')
    served(tmp_path, [line(i, i, clean(i), answer=None if i % 2 else "ok") for i in range(40)])
    result = monitor(config)["monitor.safety"]
    assert result.status == "error", result.summary
    assert "not measured" in result.summary


def test_an_item_is_found_in_a_list_in_text_and_alone():
    items, patterns = {"7"}, []
    assert reasons([1, 7, 9], items, patterns) == ["item 7"]
    assert reasons("1,7,9", items, patterns) == ["item 7"]
    assert reasons(7, items, patterns) == ["item 7"]
    assert reasons([17, 70], items, patterns) == []
