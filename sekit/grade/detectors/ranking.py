"""What a recommender's sekit config is credited for, read from the config alone (nothing run):
its evaluation measured with ranking metrics, against the most popular items, on a split by
time. Part of ``ml.gates`` (:func:`sekit.grade.detectors.pipeline.sekit_config`).

A recommender's behaviour checks (``model.ranking_behaviour``: valid lists, seen items, cold
start, personalisation) run without configuration, as a text endpoint's do."""

from __future__ import annotations

from typing import Any

RANKING_METRICS = ("model.ndcg_at_k", "model.precision_at_k", "model.recall_at_k")
BASELINE_GAINS = ("model.popular_gain", "model.simple_model_gain")


def ranking_parts(config: Any) -> dict[str, bool]:
    """The parts a ranking config earns; empty for any other task."""
    model = config.model
    if model is None or model.task != "ranking":
        return {}
    gates = set(config.gates)
    disabled = set(config.checks.disable)
    return {
        "ranking metrics gated": any(
            name in gates for name in (*RANKING_METRICS, "model.hit_rate_at_k")
        ),
        # model.ranking_baseline runs unless switched off; a gate on its gain says how much
        "beats the most popular items": "model.ranking_baseline" not in disabled
        and any(name in gates for name in BASELINE_GAINS),
        "split by time": model.ranked.timestamp is not None,
    }
