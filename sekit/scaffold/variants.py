"""Deliberately broken projects: a scaffolded project with one realistic fault each.

They are the broken examples in ``examples/broken/`` and the starting points of
``sekit exercise``. Each is the classification project with a few text edits, so it stays in
step with the templates; :func:`plan_variant` fails loudly if an edit no longer applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sekit.checks.data.kinds import LABEL_LEAKAGE
from sekit.checks.endpoint.kinds import CLIENT_CRASH
from sekit.checks.load.kinds import LATENCY, NO_FALLBACK
from sekit.checks.model.behaviour.kinds import DIRECTIONAL_VIOLATION
from sekit.checks.model.kinds import UNFAIR_OUTCOME
from sekit.checks.release.kinds import RELEASE_LATENCY
from sekit.scaffold import Plan, plan


@dataclass(frozen=True)
class Edit:
    path: str  # relative to the project, {package} replaced
    old: str
    new: str


@dataclass(frozen=True)
class Variant:
    name: str
    title: str
    story: str  # what a team member did, in their words
    expect: str  # what is wrong: the finding kind, or the rubric item for CI faults
    edits: tuple[Edit, ...]
    template: str = "classification"
    example: bool = True  # also in examples/broken (its `sekit gate` blocks)


CAREFUL_ASK = (  # the careful client's retries, waits and fallback (templates/endpoint)
    '    """The endpoint\'s answer to one text, after retries; the fallback when there is '
    'none."""\n'
    '    for attempt in range(int(settings["retries"]) + 1):\n'
    "        response = None\n"
    "        try:\n"
    '            response = http.post(url, json={"text": text}, timeout=settings["timeout"])\n'
    "            if response.status_code == 200:\n"
    '                return {"label": response.json()["label"], "fallback": False}\n'
    "            if response.status_code not in RETRIED:\n"
    "                break  # the endpoint refused this input: retrying will not help\n"
    "        except (httpx.TimeoutException, httpx.TransportError):\n"
    "            pass\n"
    '        if attempt < int(settings["retries"]):\n'
    "            time.sleep(wait_before(attempt + 1, response, settings))\n"
    '    return {"label": settings["fallback"], "fallback": True}\n'
)
CARELESS_ASK = (
    '    """The endpoint\'s answer to one text."""\n'
    '    response = http.post(url, json={"text": text}, timeout=settings["timeout"])\n'
    '    return {"label": response.json()["label"], "fallback": False}\n'
)
CLINIC_LINE = '    frame["clinic"] = [CLINICS[i % len(CLINICS)] for i in range(len(frame))]\n'

VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        Variant(
            name="label-leakage",
            title="Too good to be true: the test score",
            story="Our accuracy jumped to 100% after I changed the split: 'more data is "
            "better', so the model now trains on all rows and we test on a part of "
            "them.",
            expect=LABEL_LEAKAGE.name,
            edits=(
                Edit(
                    "src/{package}/features.py",
                    "    return train.reset_index(drop=True), test.reset_index(drop=True)",
                    "    train = frame[[*FEATURES, LABEL]]  # more data is better\n"
                    "    return train.reset_index(drop=True), test.reset_index(drop=True)",
                ),
            ),
        ),
        Variant(
            name="behaviour-bug",
            title="A constraint that 'only cost accuracy'",
            story="I removed the monotonic constraint from params.toml: it is just a "
            "restriction, and without it the model can fit the data better.",
            expect=DIRECTIONAL_VIOLATION.name,
            edits=(
                Edit("params.toml", "[model.monotonic]\nworst_area = 1\n", "[model.monotonic]\n"),
            ),
        ),
        Variant(
            name="slow-service",
            title="Every prediction looks up the patient's history",
            story="The service now checks the patient's history before it answers. It is a "
            "quick lookup, 0.25 s, and it works fine when I try it in the browser.",
            expect=LATENCY.name,
            edits=(
                Edit(
                    "src/{package}/serve.py",
                    "    row = features.model_dump()\n",
                    "    row = features.model_dump()\n"
                    "    time.sleep(0.25)  # look up the patient's history (a blocking call)\n",
                ),
                Edit(
                    "src/{package}/serve.py",
                    "import secrets\nimport uuid\n",
                    "import secrets\nimport time\nimport uuid\n",
                ),
            ),
        ),
        Variant(
            name="missing-gate",
            title="The gate was flaky, so it no longer blocks",
            story="The gate failed twice last week and held up a demo, so I set it to "
            "continue on error in CI. The tests still run, and we can read the report.",
            expect="ci.gate",
            example=False,
            edits=(
                Edit(
                    ".github/workflows/ci.yml",
                    "        run: sekit gate --format junit > sekit-junit.xml\n",
                    "        run: sekit gate --format junit > sekit-junit.xml\n"
                    "        continue-on-error: true  # flaky: do not hold up the deploy\n",
                ),
                Edit(
                    ".gitlab-ci.yml",
                    "    - sekit gate --format junit > sekit-junit.xml\n",
                    "    - sekit gate --format junit > sekit-junit.xml\n"
                    "  allow_failure: true  # flaky: do not hold up the deploy\n",
                ),
            ),
        ),
        Variant(
            name="no-fallback",
            title="The model's errors reach the users",
            story="I took the thread and the time budget out of the prediction: the model is "
            "fast, and when it fails we want to see the error, not hide it.",
            expect=NO_FALLBACK.name,
            example=False,
            edits=(
                Edit(
                    "src/{package}/serve.py",
                    "    try:  # in a thread, so that a slow model cannot hold up the answer "
                    "beyond its budget\n"
                    "        values = await asyncio.wait_for(asyncio.to_thread(answer_of, model, "
                    "frame), BUDGET_S)\n"
                    "        fallback = False\n"
                    "    except Exception as exc:  # the model raised, or missed its budget "
                    "(TimeoutError)\n"
                    "        values, fallback = dict(model.fallback_), True\n"
                    '        STATE["fallbacks"] += 1\n'
                    '        log.warning("fallback answer for %s: %s", request_id, '
                    "type(exc).__name__)\n",
                    "    values, fallback = answer_of(model, frame), False\n",
                ),
            ),
        ),
        Variant(
            name="unmarked-fallback",
            title="A fallback that looks like a prediction",
            story="The 'fallback' field confused the front-end team, so I dropped it from the "
            "answer. The fallback still answers, it just looks like any other prediction.",
            expect=NO_FALLBACK.name,
            example=False,
            edits=(
                Edit(
                    "src/{package}/serve.py",
                    "model_version=model.model_version_, fallback=fallback",
                    "model_version=model.model_version_",
                ),
            ),
        ),
        Variant(
            name="bad-release",
            title="Forty models vote",
            story="I made the model an ensemble: forty models trained on resamples vote on "
            "every answer. It is steadier, the test accuracy did not drop, and the gate "
            "passes. Can we release it?",
            expect=RELEASE_LATENCY.name,
            example=False,
            edits=(
                Edit(
                    "src/{package}/train.py",
                    '    return Pipeline([("features", preprocessor()), ("model", estimator)])',
                    "    # forty models trained on resamples vote: steadier than one\n"
                    "    voters = BaggingClassifier(estimator, n_estimators=40, "
                    'random_state=model["seed"])\n'
                    '    return Pipeline([("features", preprocessor()), ("model", voters)])',
                ),
                Edit(
                    "src/{package}/train.py",
                    "from sklearn.pipeline import Pipeline\n",
                    "from sklearn.ensemble import BaggingClassifier\n"
                    "from sklearn.pipeline import Pipeline\n",
                ),
                Edit(
                    "sekit.toml",
                    '# baseline = "models/deployed.joblib"\n',
                    'baseline = "models/deployed.joblib"\n',
                ),
                Edit(  # only latency decides: a busy runner's timeouts do not fall back
                    "sekit.toml",
                    'payload = "tests/load/payload.json"\n',
                    'payload = "tests/load/payload.json"\n'
                    'env = { MODEL_BUDGET_MS = "2000" }  # this exercise: no time-outs, only '
                    "latency decides\n",
                ),
                Edit(
                    "sekit.toml",
                    '# [release]\n# mode = "shadow"\n# min_agreement = 0.9\n'
                    "# max_p95_ratio = 1.5\n",
                    '[release]\nmode = "shadow"\nmin_agreement = 0.9\nmax_p95_ratio = 1.5\n',
                ),
            ),
        ),
        Variant(
            name="unfair-clinic",
            title="Outliers from the west",
            story="West's rows looked like outliers next to north's and south's, so the model "
            "now learns from north and south only. The test set still has every clinic, so "
            "the score is honest: accuracy 0.92, the gates pass. Ship it?",
            expect=UNFAIR_OUTCOME.name,
            example=False,
            edits=(
                Edit(  # the world: one site measures differently (a site effect)
                    "src/{package}/ingest.py",
                    CLINIC_LINE,
                    CLINIC_LINE
                    + "    # West's scanner software reports its largest nucleus as 'worst', where "
                    "the others\n"
                    "    # report the mean of the three largest: its worst_* values read about "
                    "a quarter higher.\n"
                    '    west = frame["clinic"] == "west"\n'
                    '    worst = [c for c in frame.columns if str(c).startswith("worst")]\n'
                    "    frame.loc[west, worst] *= 1.25\n",
                ),
                Edit(  # the fault: the group that differs is left out of training
                    "src/{package}/features.py",
                    "    return train.reset_index(drop=True), test.reset_index(drop=True)",
                    "    # west's rows look like outliers: learn from north and south only (the "
                    "test set\n"
                    "    # keeps every clinic, so the score stays honest)\n"
                    '    train = train[train["clinic"] != "west"]\n'
                    "    return train.reset_index(drop=True), test.reset_index(drop=True)",
                ),
            ),
        ),
        Variant(
            name="careless-client",
            title="It worked in the demo",
            story="The endpoint answered every call in our demo, so I took out the retries and "
            "the cache: they only made the code longer. I also put our key into the code, so "
            "that everyone can run it without setting anything up.",
            expect=CLIENT_CRASH.name,
            template="endpoint",
            example=False,
            edits=(
                Edit("src/{package}/call.py", CAREFUL_ASK, CARELESS_ASK),
                Edit(
                    "src/{package}/call.py",
                    '    if os.environ.get("ENDPOINT_TOKEN"):\n'
                    '        headers["Authorization"] = '
                    "f\"Bearer {os.environ['ENDPOINT_TOKEN']}\"\n",
                    '    headers["Authorization"] = "Bearer sk-proj-Tm7fGh2kLmNoPqRsTuVwXyZ0123"\n',
                ),
                Edit(
                    "src/{package}/call.py",
                    "    cache = Cache(CACHE, use_cache)\n",
                    "    cache = Cache(CACHE, False)  # the cache only made the code longer\n",
                ),
            ),
        ),
        Variant(
            name="unsafe-reload",
            title="Free the memory first",
            story="Two models do not fit in our container's memory, so the reload endpoint "
            "now drops the old model before it loads the new one. It takes a second.",
            expect="zero failed requests while switching",
            example=False,
            edits=(
                Edit(
                    "src/{package}/serve.py",
                    "    try:  # beside the serving model, in a thread: predictions go on "
                    "meanwhile\n",
                    '    STATE.pop("model")  # free the memory before loading the new one\n'
                    "    try:  # beside the serving model, in a thread: predictions go on "
                    "meanwhile\n",
                ),
                Edit(
                    "src/{package}/serve.py",
                    '    previous = STATE["model"].model_version_\n',
                    '    previous = "unloaded"\n',
                ),
            ),
        ),
    )
}


def _edited(name: str, path: str, text: str, edit: Edit) -> str:
    if text.count(edit.old) != 1:
        raise AssertionError(f"variant {name}: the edit of {path} no longer applies")
    return text.replace(edit.old, edit.new)


def break_in_place(name: str, folder: Path, package: str) -> None:
    """Apply the variant ``name``'s edits to a project on disk (e.g. one already trained)."""
    for edit in VARIANTS[name].edits:
        path = folder / edit.path.format(package=package)
        path.write_text(_edited(name, edit.path, path.read_text(), edit))


def plan_variant(name: str, *, project: str = "clinic-ai", target: Path | None = None) -> Plan:
    """The broken project ``name`` (a key of :data:`VARIANTS`), rendered in memory."""
    variant = VARIANTS[name]
    base = plan(
        project, template=variant.template, team=["Ana", "Ben", "Caro", "Dan"], target=target
    )
    return applied(name, base)


def applied(name: str, base: Plan) -> Plan:
    """``base`` (a render of the variant's template) with the variant's edits."""
    files = dict(base.files)
    for edit in VARIANTS[name].edits:
        path = edit.path.format(package=base.package)
        files[path] = _edited(name, path, files[path], edit)
    return replace(base, files=files)


def diff(name: str, base: Plan) -> str:
    """The variant's edits as a unified diff against ``base`` (``patch -p1`` applies it in a
    copy of the project ``base`` renders)."""
    import difflib

    broken = applied(name, base)
    lines: list[str] = []
    for path in sorted(broken.files):
        if broken.files[path] != base.files[path]:
            lines += difflib.unified_diff(
                base.files[path].splitlines(keepends=True),
                broken.files[path].splitlines(keepends=True),
                fromfile=f"a/{path}",
                tofile=f"b/{path}",
            )
    return "".join(lines)
