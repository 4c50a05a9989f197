"""``model.behaviour``: the engine (batches, Hypothesis, shrinking), the properties, the
``minimum`` cases, and the check that runs them (its declaration is ``SPECS``)."""

from sekit.checks.model.behaviour.check import SPECS, check_behaviour

__all__ = ["SPECS", "check_behaviour"]
