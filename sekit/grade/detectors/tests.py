"""Tests by what they do: unit tests, data tests, behaviour tests, load tests, and their share.

A test is judged by its syntax tree, never run: a **data test** asserts on data (missing values,
duplicates, types, ranges, class balance of a loaded table), a **behaviour test** perturbs
inputs or compares runs (metamorphic, invariance, directional, non-determinism, slices),
whatever library either uses. Tests that are always skipped or expected to fail are shown and
earn nothing.
"""

from __future__ import annotations

import ast
import re

from sekit.grade.detectors.common import (
    Outcome,
    TestFunction,
    calls_in,
    names_in,
    non_test,
    scaled,
    sources,
    test_functions,
    tests,
)
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

DATA_LIBRARIES = (
    r"sekit\.data|\bpandera\b|great_expectations|\bdeepchecks\b|DataReport|tfdv|evidently"
)
DATA_OPERATIONS = {
    "isnull",
    "isna",
    "notna",
    "notnull",
    "duplicated",
    "drop_duplicates",
    "dtypes",
    "dtype",
    "value_counts",
    "nunique",
    "between",
    "unique",
    "isin",
    "select_dtypes",
    "describe",
    "columns",
    "shape",
    "hasnans",
    "is_unique",
    "infer_dtype",
}
DATA_CALLS = re.compile(
    r"^(read_(csv|parquet|json|table|excel|feather|pickle|data)|load_(data|dataset|raw|frame)\w*|"
    r"get_data|fetch_data|DataFrame|load_(train|test)\w*)$",
    re.IGNORECASE,
)
DATA_ARGS = re.compile(
    r"^(df|dataset|dataframe|data_frame|frame|raw|raw_data|corpus)\w*$|_df$|^data(_\w+)?$|_data$",
    re.IGNORECASE,
)
PREDICTS = re.compile(r"predict|infer|classif|model_eval|evaluat|^score$|decision_function", re.I)
TRAINS = re.compile(r"^fit$|^train|_train$|fit_model", re.I)
BEHAVIOUR_NAMES = re.compile(
    r"meta_?morph|muta_?morph|invarian|directional|monoton|determinis|robust|perturb|"
    r"slice|fair|counterfactual|mutant|mutation|permut|consisten|stability|minimum_function",
    re.IGNORECASE,
)
BEHAVIOUR_LIBRARIES = re.compile(r"@given|from hypothesis|sekit_model|sekit_frames|sekit_rows")


def _effective(functions: list[TestFunction]) -> tuple[list[TestFunction], list[TestFunction]]:
    """(tests that run, tests always skipped or expected to fail)."""
    never = [
        f
        for f in functions
        if f.skipped and not f.skipped.startswith(("skipif", "skip (conditional)"))
    ]
    return [f for f in functions if f not in never], never


@item("tests.unit", "tests", "unit tests", points=5)
def unit_tests(repo: Repository) -> Outcome:
    """A share for every test function, full at ten; always-skipped tests earn nothing."""
    functions = test_functions(repo)
    running, skipped = _effective(functions)
    evidence = [f"{len(running)} test functions", *(str(f) for f in running[:3])]
    if skipped:
        evidence.append(
            f"{len(skipped)} always skipped or xfail: "
            + "; ".join(f"{f} ({f.skipped})" for f in skipped[:3])
        )
    conditional = [f for f in running if f.skipped]
    if conditional:
        evidence.append(
            "skipped under a condition: " + "; ".join(f"{f} ({f.skipped})" for f in conditional[:3])
        )
    return scaled(len(running) / 10, evidence)


def _data_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names that hold data in a test: data-like fixtures, results of loading calls, values
    derived from them (not through the model), and loop variables over them."""
    held = {a.arg for a in node.args.args if DATA_ARGS.search(a.arg)}
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assign | ast.AnnAssign) and inner.value is not None:
            calls = calls_in(inner.value)
            through_model = any(PREDICTS.search(c) or TRAINS.search(c) for c in calls)
            loads = any(DATA_CALLS.search(c) for c in calls)
            if loads or (names_in(inner.value) & held and not through_model):
                targets = inner.targets if isinstance(inner, ast.Assign) else [inner.target]
                for target in targets:
                    held |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        if isinstance(inner, ast.For | ast.comprehension) and names_in(inner.iter) & held:
            held |= {n.id for n in ast.walk(inner.target) if isinstance(n, ast.Name)}
    return held


def _checks(node: ast.AST) -> list[ast.AST]:
    """The expressions a test checks: assert tests and the conditions of raise AssertionError."""
    found: list[ast.AST] = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assert) or (
            isinstance(inner, ast.If)
            and any(
                isinstance(r, ast.Raise) and "AssertionError" in ast.unparse(r) for r in inner.body
            )
        ):
            found.append(inner.test)
        elif isinstance(inner, ast.Call) and re.search(
            r"(^|\.)assert\w*$", ast.unparse(inner.func)
        ):
            found.append(inner)
    return found


def is_data_test(function: TestFunction) -> bool:
    """Loads or receives data and asserts on its values, types or shape."""
    held = _data_names(function.node)
    if not held:
        return False
    for check in _checks(function.node):
        used = names_in(check) | set(calls_in(check))
        if used & held:
            return True
    return False


def _model_calls(node: ast.AST) -> tuple[int, int, bool]:
    """(prediction calls, training calls, whether one runs in a loop)."""
    predictions = trainings = 0
    looped = False
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            name = ast.unparse(inner.func).rsplit(".", 1)[-1]
            predictions += bool(PREDICTS.search(name))
            trainings += bool(TRAINS.search(name))
        if isinstance(inner, ast.For | ast.While | ast.comprehension):
            body = inner if not isinstance(inner, ast.comprehension) else inner.iter
            looped |= any(
                isinstance(c, ast.Call)
                and (
                    PREDICTS.search(ast.unparse(c.func).rsplit(".", 1)[-1])
                    or TRAINS.search(ast.unparse(c.func).rsplit(".", 1)[-1])
                )
                for c in ast.walk(body)
            )
    return predictions, trainings, looped


def is_behaviour_test(function: TestFunction) -> bool:
    """Perturbs inputs or compares outputs of several runs of the model."""
    node = function.node
    if not _checks(node):
        return False
    predictions, trainings, looped = _model_calls(node)
    named = bool(BEHAVIOUR_NAMES.search(f"{function.path} {function.name}"))
    if predictions >= 2 or trainings >= 2:
        return True
    if looped and (named or predictions or trainings):
        return True
    return named and (predictions + trainings) >= 1


@item("tests.data", "tests", "data tests", points=4)
def data_tests(repo: Repository) -> Outcome:
    """Tests that load or receive data and assert on it (a third each, full at three; half
    for a data-test library), whatever library they use."""
    running, _ = _effective(test_functions(repo))
    found = [f for f in running if is_data_test(f)]
    library = repo.grep(DATA_LIBRARIES, tuple(tests(repo)) or ("tests/*",), limit=3)
    evidence = [
        f"{len(found)} tests assert on data",
        *(f"{f.path}:{f.line}: {f.name}" for f in found[:3]),
    ]
    evidence += [f"data-test library: {h}" for h in library[:1]]
    if not found and not library:
        named = [f for f in running if re.search(r"data|schema|quality", f.path + f.name, re.I)]
        if named:
            return Outcome(
                "missing",
                [f"{named[0]}: named like a data test, but no assertion on a table's values"],
            )
        return Outcome("missing", ["no tests that assert on data (missing values, types, ranges)"])
    return scaled(len(found) / 3 + (0.5 if library else 0.0), evidence)


@item("tests.behaviour", "tests", "model behaviour tests", points=4)
def behaviour_tests(repo: Repository) -> Outcome:
    """Tests that perturb inputs or compare the model's outputs across runs (a third each,
    full at three; half for Hypothesis properties or sekit's `[[behaviour]]`)."""
    running, _ = _effective(test_functions(repo))
    found = [f for f in running if is_behaviour_test(f)]
    library = repo.grep(BEHAVIOUR_LIBRARIES.pattern, tuple(tests(repo)) or ("tests/*",), limit=3)
    configured = repo.grep(r"^\[\[behaviour\]\]", ("sekit.toml",), limit=3)
    evidence = [
        f"{len(found)} tests perturb inputs or compare runs",
        *(f"{f.path}:{f.line}: {f.name}" for f in found[:3]),
    ]
    evidence += [str(h) for h in (library + configured)[:2]]
    if not found and not library and not configured:
        return Outcome("missing", ["no tests that perturb inputs or compare the model's outputs"])
    share = len(found) / 3 + (0.5 if library or configured else 0.0)
    return scaled(share, evidence)


@item("tests.load", "tests", "load tests", points=2)
def load_tests(repo: Repository) -> Outcome:
    """A load test: a locustfile, k6 or wrk script, or sekit's `[service]`/`[load]`."""
    files = repo.exists("*locustfile*.py") + [
        h.path
        for h in repo.grep(
            r"from locust import|import locust|\bk6\b|\bwrk\b|jmeter",
            ("*.py", "*.js", "*.yml", "*.yaml"),
            limit=3,
        )
    ]
    configured = repo.grep(r"^\[load\]|^\[service\]", ("sekit.toml",))
    if files or configured:
        return Outcome("met", [*sorted(set(files))[:2], *(str(c) for c in configured[:2])])
    return Outcome(
        "missing", ["no load test (locustfile, k6, wrk) and no [service]/[load] in sekit.toml"]
    )


@item("tests.ratio", "tests", "test code in proportion to the code", points=2)
def test_ratio(repo: Repository) -> Outcome:
    """Lines of tests per line of code, full at 0.5."""
    test_lines = sum(len((repo.text(f) or "").splitlines()) for f in tests(repo))
    code_lines = sum(len((repo.text(f) or "").splitlines()) for f in sources(repo))
    if not code_lines:
        return Outcome("missing", ["no Python code"])
    ratio = test_lines / code_lines
    evidence = [f"{test_lines:,} lines of tests for {code_lines:,} lines of code ({ratio:.2f})"]
    return scaled(ratio / 0.5, evidence)


__all__ = ["behaviour_tests", "data_tests", "load_tests", "non_test", "test_ratio", "unit_tests"]


ITEMS: tuple[Item, ...] = (unit_tests, data_tests, behaviour_tests, load_tests, test_ratio)
