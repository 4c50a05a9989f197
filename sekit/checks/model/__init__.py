"""The model checks: quality, slices, baselines, the deployed model, and behaviour properties
(Hypothesis).

Each module of this package declares its checks in ``SPECS`` (the Deepchecks engine's
``model_evaluation`` among them); the suite (:mod:`.suite`) collects them when they run.
"""
