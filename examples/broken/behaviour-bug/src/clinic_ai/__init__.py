"""clinic-ai: Breast cancer diagnosis (Wisconsin), 569 samples, 30 measurements.

The pipeline (``python -m clinic_ai.pipeline``): ingest -> sanitize -> features -> train ->
evaluate. The service (``uvicorn clinic_ai.serve:app``): /health, /predict, /feedback.
"""

__version__ = "0.1.0"
