"""sekit: scaffold, check, gate and grade ML-enabled software projects.

The library never imports click or rich (the command layer, ``sekit_cli``, does), and keeps
heavy imports (pandas, scikit-learn, hypothesis, deepchecks) inside the functions that need them,
so that importing :mod:`sekit` stays cheap.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
