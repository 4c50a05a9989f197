"""classification-demo: Breast cancer diagnosis (Wisconsin), 569 samples, 30 measurements.

The pipeline (``python -m classification_demo.pipeline``): ingest -> sanitize -> features -> train ->
evaluate. The service (``uvicorn classification_demo.serve:app``): /health, /predict, /feedback.
"""

__version__ = "0.1.0"
