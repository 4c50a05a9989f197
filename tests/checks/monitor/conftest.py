from tests.checks.model.conftest import project  # noqa: F401  (the model-project fixture)
