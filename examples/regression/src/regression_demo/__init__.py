"""regression-demo: Diabetes progression, 442 patients, 10 baseline measurements.

The pipeline (``python -m regression_demo.pipeline``): ingest -> sanitize -> features -> train ->
evaluate. The service (``uvicorn regression_demo.serve:app``): /health, /predict, /feedback.
"""

__version__ = "0.1.0"
