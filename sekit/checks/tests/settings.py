"""``[tests]``: how ``sekit check tests`` runs the project's own tests with coverage."""

from __future__ import annotations

from pydantic import Field

from sekit.checks.table import Table
from sekit.config.values import Duration


class Tests(Table):
    """``[tests]``: the project's pytest suite, run with coverage (pytest-cov). With this
    table, ``sekit gate`` runs the tests too, and ``tests.coverage`` can be gated."""

    table = "tests"

    paths: list[str] = Field(
        default_factory=list,
        description="test files or folders to run (default: pytest's own testpaths)",
    )
    source: list[str] = Field(
        default_factory=list,
        description="the code whose coverage is measured, folders or packages (default: src/ "
        "when the project has one, else the project's folder without its tests)",
    )
    args: list[str] = Field(
        default_factory=list, description='more pytest arguments, e.g. ["-m", "not slow"]'
    )
    branch: bool = Field(
        False, description="measure branch coverage too (coverage.py's --cov-branch)"
    )
    timeout: Duration = Field(
        900.0, gt=0, le=7200, description="how long the tests may take before they are stopped"
    )
