"""``model.behaviour``: the engine (batches, Hypothesis, shrinking), the properties, the
``minimum`` cases, and the check that runs them (its declaration is ``BEHAVIOUR_CHECK``)."""

from sekit.checks.model.behaviour.check import check_behaviour

__all__ = ["check_behaviour"]
