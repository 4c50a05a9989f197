"""The layers of the library: what the checks look at (:mod:`sekit.subjects`) lies below the
suites, the suites lean on each other only where the dependency is real, and nothing outside
``sekit/checks/`` reaches into a suite.

Imports are read with :mod:`ast` as in :mod:`tests.test_structure`, here *with* the imports
under ``if TYPE_CHECKING:`` (a circle a type checker walks is still a circle a reader walks).
A suite is a package ``sekit.checks.NAME``; the modules directly in ``sekit/checks/`` (the
registry, ``Suite``, ``CheckSpec``, the run context, findings) are the framework, not a suite.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.test_structure import MODULES, cycles, graph

# Imports from one suite into another's insides (its declarations aside: DECLARATIONS), each a
# real dependency (the list may only shrink):
ALLOWED_BETWEEN_SUITES = {
    # the release runs the load suite's Locust, judged by its validity rules
    ("sekit.checks.release.online", "sekit.checks.load.validity"),
    ("sekit.checks.release.traffic", "sekit.checks.load.locust"),
    ("sekit.checks.release.traffic", "sekit.checks.load.validity"),
    # the monitor judges fairness on feedback with the model suite's tests and evidence
    ("sekit.checks.monitor.fairness", "sekit.checks.model.groups"),
    ("sekit.checks.monitor.accuracy", "sekit.checks.model.figures"),
    # comparing two models counts one entity's rows once (the data suite's entities)
    ("sekit.checks.model.previous", "sekit.checks.data.entities"),
}
# A suite's public declarations, which any code may import: its Suite (the registry), its config
# table (part of the config contract) and its finding kinds (the report's vocabulary, shared:
# the monitor reports the model's kinds, the scaffold's variants name the kinds they cause).
DECLARATIONS = ("suite", "settings", "kinds")
HEAVY = ("pandas", "numpy", "sklearn", "scipy", "locust", "pyarrow", "pandera", "mlflow")


def suite_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["sekit", "checks"] or len(parts) < 3:
        return None
    package = ".".join(parts[:3])
    return parts[2] if f"{package}.suite" in MODULES else None


def between_suites(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (importer, imported)
        for importer, imports in edges.items()
        for imported in imports
        if suite_of(importer)
        and suite_of(imported)
        and suite_of(importer) != suite_of(imported)
        and imported.rsplit(".", 1)[-1] not in DECLARATIONS
    }


def into_suites_from_outside(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (importer, imported)
        for importer, imports in edges.items()
        if not importer.startswith("sekit.checks")
        for imported in imports
        if suite_of(imported) and imported.rsplit(".", 1)[-1] not in DECLARATIONS
    }


def test_no_import_cycle_even_under_type_checking() -> None:
    assert cycles(graph(typing=True)) == []


def test_suites_import_each_other_only_where_allowed() -> None:
    assert between_suites(graph(typing=True)) - ALLOWED_BETWEEN_SUITES == set()


def test_the_allowed_list_holds_no_import_that_is_gone() -> None:
    assert ALLOWED_BETWEEN_SUITES - between_suites(graph(typing=True)) == set()
    assert len(ALLOWED_BETWEEN_SUITES) <= 6


def test_nothing_outside_the_checks_reaches_into_a_suite() -> None:
    assert into_suites_from_outside(graph(typing=True)) == set()


def test_the_subjects_import_no_suite() -> None:
    edges = graph(typing=True)
    assert {
        (name, imported)
        for name, imports in edges.items()
        if name.startswith("sekit.subjects")
        for imported in imports
        if suite_of(imported)
    } == set()


def test_the_suites_are_found() -> None:
    found = {suite_of(name) for name in MODULES} - {None}
    assert found >= {"data", "model", "load", "release", "monitor", "experiment", "endpoint"}
    assert suite_of("sekit.checks.context") is None  # the framework is no suite


def test_the_rules_catch_a_violation() -> None:
    edges = {
        "sekit.checks.monitor.drift": {"sekit.checks.data.drift", "sekit.checks.monitor.served"},
        "sekit.trace": {"sekit.checks.monitor.accuracy", "sekit.checks.monitor.settings"},
        "sekit.checks.release.online": {"sekit.checks.load.kinds"},
        "sekit.checks.model.quality": {"sekit.checks.context", "sekit.subjects.model"},
    }
    assert between_suites(edges) == {("sekit.checks.monitor.drift", "sekit.checks.data.drift")}
    assert into_suites_from_outside(edges) == {("sekit.trace", "sekit.checks.monitor.accuracy")}


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith("sekit.subjects")))
def test_a_subjects_module_imports_no_heavy_library(name: str) -> None:
    """The check-author API is cheap to import: pandas, numpy, scikit-learn and the rest are
    imported when a loader runs."""
    code = f"import sys, {name}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {m.split(".")[0] for m in done.stdout.split()}
    assert not loaded & set(HEAVY), name
