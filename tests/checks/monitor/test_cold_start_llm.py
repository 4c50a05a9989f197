"""``cold_start_without_llm`` in ``monitor.recommendations``: new users' lists that carry the
LLM's token usage pass; new users served from a silent fallback (no usage) fail, also when a
tolerated share is set and the fallback is credibly more common; a log that cannot tell (no new
user, no training users, no usage field) is not measured."""

from __future__ import annotations

from tests.checks.monitor.test_served_lists import fails, line, monitor, personal, project, served

LLM = '[monitor.ranking]\ncold_start_llm = "tokens_out"\n'


def log(folder, *, fallback_every: int = 0, new_users: int = 40) -> None:
    """100 known users (no LLM) and ``new_users`` new ones (ids from 1000) whose lists an LLM
    made (tokens_out > 0), except every ``fallback_every``-th, served popular items."""
    lines = [line(i, i, personal(i), tokens_out=None) for i in range(100)]
    for j in range(new_users):
        user = 1000 + j
        fallback = fallback_every and j % fallback_every == 0
        lines.append(
            line(100 + j, user, personal(j), tokens_out=None if fallback else 180 + j, tokens_in=50)
        )
    served(folder, lines)


def test_new_users_answered_by_the_llm_pass_and_a_silent_fallback_fails(tmp_path):
    config = project(tmp_path, LLM)
    log(tmp_path)
    clean = monitor(config)["monitor.recommendations"]
    assert clean.status == "pass", clean.summary
    assert clean.metrics["cold_start_llm_share"] == 1.0

    log(tmp_path, fallback_every=10)
    fallback = monitor(config)["monitor.recommendations"]
    assert fails(fallback) == {"cold_start_without_llm"}, fallback.summary
    assert "4 of 40" in fallback.summary


def test_a_tolerated_share_is_judged_with_an_exact_binomial_test(tmp_path):
    config = project(tmp_path, LLM + "min_cold_start_llm = 0.9\n")
    log(tmp_path, fallback_every=20, new_users=200)  # 10 of 200 without: 95%, within 90%
    assert monitor(config)["monitor.recommendations"].status == "pass"
    log(tmp_path, fallback_every=3, new_users=200)  # 67 of 200 without: credibly below
    below = monitor(config)["monitor.recommendations"]
    assert fails(below) == {"cold_start_without_llm"}, below.summary
    assert "binomial" in below.summary


def test_a_log_that_cannot_tell_is_not_measured(tmp_path):
    config = project(tmp_path, LLM)
    log(tmp_path, new_users=0)
    no_new_user = monitor(config)["monitor.recommendations"]
    assert no_new_user.status == "error", no_new_user.summary
    assert "never saw" in no_new_user.summary

    config = project(tmp_path, '[monitor.ranking]\ncold_start_llm = "llm_tokens"\n')
    log(tmp_path)
    no_field = monitor(config)["monitor.recommendations"]
    assert no_field.status == "error" and "llm_tokens" in no_field.summary

    (tmp_path / "train.csv").unlink()
    config = project(tmp_path, LLM)
    (tmp_path / "train.csv").unlink()
    no_train = monitor(config)["monitor.recommendations"]
    assert no_train.status == "error", no_train.summary
    assert "name no users" in no_train.summary, no_train.summary
