"""The release checks: the new model against the deployed one before it replaces it.

``release.online`` starts the team's service twice (once per model, ``SEKIT_MODEL_PATH``) and
sends real Locust traffic to both, as a shadow deployment or a canary / A/B split;
``release.accuracy`` compares the two models on the same labelled rows with paired tests. The
report says **promote** or **roll back** (:func:`sekit.gate.release_decision`)."""
