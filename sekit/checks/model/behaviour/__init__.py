"""``model.behaviour``: the engine (batches, Hypothesis, shrinking), the properties, the
``minimum`` cases, the finding kinds they emit (:mod:`.kinds`), and the check that runs them
(its declaration is ``check.BEHAVIOUR_CHECK``)."""
