"""`sekit grade --run`: the team's tests really run, inside bubblewrap, with limits; only green
runs earn automated ML Test Score credit; every escape attempt is contained and reported."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.grade import SandboxRun, grade
from sekit.grade.sandbox import Limits, Sandbox, find_sandbox
from sekit_cli.app import cli
from tests.grade.conftest import Repo
from tests.grade.test_traps import trapped_repository

pytestmark = pytest.mark.bwrap

TESTS = """
import pytest


@pytest.mark.mlts("infra-1")
def test_reproducible():
    assert 1 + 1 == 2


@pytest.mark.mlts("infra-2")
def test_broken():
    assert False


@pytest.mark.mlts("infra-3")
@pytest.mark.skip(reason="later")
def test_skipped():
    pass
"""

ESCAPES = """
import os
import socket
import time

import pytest

SECRET = {secret!r}
OUTSIDE = {outside!r}
HOST_PORT = {port}


@pytest.mark.mlts("data-1")
def test_read_the_instructors_secret():
    assert open(SECRET).read() == "token"


@pytest.mark.mlts("data-2")
def test_read_a_system_secret():
    assert open("/etc/shadow").read()


@pytest.mark.mlts("data-3")
def test_write_outside():
    open(OUTSIDE, "w").write("escaped")


@pytest.mark.mlts("data-4")
def test_write_into_the_system():
    open("/usr/escaped", "w").write("escaped")


@pytest.mark.mlts("data-5")
def test_call_home():
    socket.create_connection(("1.1.1.1", 53), timeout=3)


@pytest.mark.mlts("data-6")
def test_reach_the_host():
    socket.create_connection(("127.0.0.1", HOST_PORT), timeout=3)


@pytest.mark.mlts("model-1")
def test_fork_without_end():
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)


@pytest.mark.mlts("model-2")
def test_allocate_10_gb():
    block = bytearray(10 * 1024**3)
    assert len(block)


@pytest.mark.mlts("model-3")
def test_steal_the_instructors_token():
    assert os.environ["SEKIT_TEST_INSTRUCTOR_TOKEN"] == "s3cret"


@pytest.mark.mlts("infra-1")
def test_an_honest_test():
    with open("written-by-the-team.txt", "w") as handle:
        handle.write("fine")
    assert os.environ["HOME"] == "/tmp/home"
"""


@pytest.fixture(scope="module")
def bwrap() -> str:
    found, why = find_sandbox()
    assert found is not None, f"bubblewrap must be installed for these tests (.ci/run): {why}"
    return found


def options(bwrap: str | None, seconds: float = 180) -> SandboxRun:
    return SandboxRun(Sandbox(bwrap), Limits(wall_seconds=seconds))


def test_run_executes_the_tests_and_credits_only_green_ones(repo: Repo, bwrap: str) -> None:
    root = repo({"tests/test_ml.py": TESTS})
    without = grade([root]).teams[0]
    assert without.mlts is not None and without.mlts.tests["infra-1"]["credit"] == 0.0
    [team] = grade([root], run=options(bwrap)).teams
    assert team.mlts is not None
    assert team.mlts.tests["infra-1"]["credit"] == 1.0
    assert team.mlts.tests["infra-2"]["credit"] == 0.0
    assert team.mlts.tests["infra-3"]["credit"] == 0.0
    assert team.run is not None and team.run.sandbox == "bubblewrap"
    steps = {step.name: step for step in team.run.steps}
    assert steps["tests"].outcome == "exited 1"
    assert steps["gate"].outcome.startswith("exited 2")  # no sekit.toml: no report
    assert steps["gate"].outcome == "exited 2; it sent no report"


def test_every_escape_attempt_is_contained_and_reported(
    repo: Repo, bwrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "instructor-secret.txt"
    secret.write_text("token")
    outside = tmp_path / "escaped.txt"
    monkeypatch.setenv("SEKIT_TEST_INSTRUCTOR_TOKEN", "s3cret")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections: list[object] = []

    def accept() -> None:
        for _ in range(600):
            try:
                connections.append(server.accept())
            except OSError:
                continue

    listener = threading.Thread(target=accept, daemon=True)
    listener.start()
    tests = ESCAPES.format(secret=str(secret), outside=str(outside), port=server.getsockname()[1])
    root, markers = trapped_repository(repo, tmp_path)  # the git traps of test_traps.py, too
    (root / "tests").mkdir()
    (root / "tests" / "test_escape.py").write_text(tests)  # uncommitted: git would run a trap
    try:
        [team] = grade([root], run=options(bwrap)).teams
    finally:
        server.close()
    assert team.score is not None and team.mlts is not None
    assert team.run is not None
    tests_step = next(s for s in team.run.steps if s.name == "tests")
    assert tests_step.outcome == "exited 1", tests_step
    credits = {t: team.mlts.tests[t]["credit"] for t in team.mlts.tests}
    attempts = ["data-1", "data-2", "data-3", "data-4", "data-5", "data-6", "model-1"]
    assert all(credits[t] == 0.0 for t in [*attempts, "model-2", "model-3"]), credits
    assert credits["infra-1"] == 1.0  # the honest test ran green
    assert not outside.exists()
    assert connections == []
    assert list(markers.iterdir()) == []  # no git trap ran either
    assert not (root / "written-by-the-team.txt").exists()  # the team wrote into a copy
    stopped = " | ".join(tests_step.contained)
    for meaning in (
        "a write outside the repository copy was refused",
        "a read or write of a system file was refused",
        "network access was refused",
        "the process limit stopped new processes",
        "the memory limit refused an allocation",
        f"a file outside the repository was not visible: {secret}",
    ):
        assert meaning in stopped, stopped


def test_a_run_past_the_time_limit_is_stopped(repo: Repo, bwrap: str) -> None:
    root = repo({"tests/test_slow.py": "import time\n\ndef test_forever():\n    time.sleep(600)\n"})
    [team] = grade([root], run=options(bwrap, seconds=20)).teams
    assert team.run is not None
    tests_step = next(s for s in team.run.steps if s.name == "tests")
    assert tests_step.outcome == "stopped after 20s; it sent no test outcomes"
    assert "the wall-clock limit stopped the run after 20s" in tests_step.contained
    assert team.score is not None


def test_run_refuses_without_a_sandbox_unless_told(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sekit.grade.sandbox as sandbox

    root = repo({"tests/test_ok.py": "def test_ok():\n    assert True\n"})
    monkeypatch.setattr(
        sandbox, "find_sandbox", lambda: (None, "bubblewrap (bwrap) is not installed")
    )
    db = ["--db", str(tmp_path / "g.sqlite")]
    refused = CliRunner().invoke(cli, ["grade", str(root), "--run", *db])
    assert refused.exit_code == 2
    assert "only inside a sandbox, and bubblewrap (bwrap) is not installed" in refused.stderr
    allowed = CliRunner().invoke(
        cli, ["grade", str(root), "--run", "--no-sandbox", "--format", "json", *db]
    )
    assert allowed.exit_code == 0, allowed.output
    assert '"sandbox": "none (--no-sandbox)"' in allowed.stdout
    assert CliRunner().invoke(cli, ["grade", str(root), "--no-sandbox"]).exit_code == 2


def test_declared_requirements_that_are_not_plain_are_left_out(repo: Repo) -> None:
    from sekit.grade.declared import declared
    from sekit.grade.repository import Repository

    root = repo(
        {
            "requirements.txt": "numpy>=1.26\n--index-url https://evil.example/simple\n"
            "-e git+https://evil.example/x.git#egg=x\nlocal @ file:///etc/passwd\n./pkg\n",
            "requirements-dev.txt": "pytest>=8  # tests\n",
        }
    )
    found = declared(Repository(root))
    assert sorted(found.requirements) == ["numpy>=1.26", "pytest>=8"]
    assert len(found.refused) == 4
    poetry = repo(
        {
            "pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.11'\npandas = '^2.1'\n"
            "scipy = '~1.11'\nnumpy = {version = '^1.26'}\nlib = {git = 'https://x/y.git'}\n"
            "[tool.poetry.group.dev.dependencies]\npytest = '*'\n"
        }
    )
    found = declared(Repository(poetry))
    assert found.requirements == [
        "pandas>=2.1,<3",
        "scipy>=1.11,<1.12",
        "numpy>=1.26,<2",
        "pytest",
    ]
    assert found.refused == ["lib (poetry: git, path or url source)"]


def forged_report() -> str:
    """A report that says every check sekit knows passed, with every metric a check needs."""
    import json

    from sekit.grade.mlts import mapping

    rows = mapping().values()
    checks = sorted({check for row in rows for check in row.checks})
    metrics = {row.requires: 1.0 for row in rows if row.requires}
    return json.dumps(
        {
            "sekit_version": "0.1.0",
            "verdict": "pass",
            "checks": [{"id": check, "status": "pass"} for check in checks],
            "metrics": metrics,
        }
    )


FORGER = """
import json, os, pathlib, sys
pathlib.Path(".sekit").mkdir(exist_ok=True)
pathlib.Path(".sekit/report.json").write_text({report!r})
channel = os.environ.get("SEKIT_GRADE_CHANNEL")
if channel:  # the channel the grader reads, with a made-up binding
    envelope = {{"nonce": os.environ.get("SEKIT_GRADE_NONCE", "guessed"),
                 "report": json.loads({report!r})}}
    os.write(int(channel), json.dumps(envelope).encode())
sys.exit(0)
"""


def test_a_teams_own_sekit_package_cannot_forge_the_gate(repo: Repo, bwrap: str) -> None:
    """A folder ``sekit/`` in the team's repository used to be run as ``python -m sekit gate``:
    its report, claiming every check passed, earned 12 automated ML Test Score items."""
    forger = FORGER.format(report=forged_report())
    root = repo(
        {
            "sekit/__init__.py": "",
            "sekit/__main__.py": forger,
            "sitecustomize.py": forger,  # imported at start-up when the folder is on sys.path
            "pytest/__init__.py": "",
            "pytest/__main__.py": forger,
        }
    )
    [team] = grade([root], run=options(bwrap)).teams
    assert team.mlts is not None and team.run is not None
    automated = [t for t, row in team.mlts.tests.items() if row["how"] == "automated"]
    assert automated == [], automated
    assert team.mlts.final == 0.0
    gate = next(s for s in team.run.steps if s.name == "gate")
    assert gate.outcome.startswith("exited 2"), gate  # the real sekit ran: no sekit.toml


def test_a_report_that_is_not_bound_to_the_run_credits_nothing() -> None:
    from sekit.grade.channel import Binding, bound_report

    binding = Binding.new()
    report = {"verdict": "pass", "checks": [], "metrics": {}}
    good = binding.envelope(report)
    assert bound_report(good, binding) == (report, "")
    for forged, why in [
        ({**good, "nonce": "0" * 32}, "nonce"),
        ({k: v for k, v in good.items() if k != "nonce"}, "nonce"),
        ({**good, "sekit_version": "0.0.1"}, "sekit"),
        ({**good, "started": "2020-01-01T00:00:00+00:00"}, "started"),
        ({**good, "started": "yesterday"}, "started"),
        ({**good, "report": ["not", "a", "report"]}, "report"),
        ("not an object", "not"),
    ]:
        found, reason = bound_report(forged, binding)
        assert found is None and why in reason, (forged, reason)


DISK = """
import os

import pytest


@pytest.mark.mlts("infra-2")
def test_fill_the_disk():
    os.makedirs("fill", exist_ok=True)
    for number in range(40):  # 40 files of 4 MB: each under the file limit, 160 MB in all
        with open(f"fill/{number}.bin", "wb") as handle:
            handle.write(b"x" * 4 * 1024**2)


@pytest.mark.mlts("infra-1")
def test_rewrite_what_the_grader_reads():
    written = []
    for place in ("/sandbox/out/junit.xml", "/sandbox/out", "/sandbox/source/x"):
        try:
            with open(place, "w") as handle:
                handle.write("forged")
            written.append(place)
        except OSError:
            pass
    assert written == []
"""


def test_the_sandbox_caps_the_disk_and_keeps_the_output_out_of_reach(
    repo: Repo, bwrap: str
) -> None:
    root = repo({"tests/test_disk.py": DISK})
    limits = Limits(wall_seconds=180, disk_bytes=64 * 1024**2)
    [team] = grade([root], run=SandboxRun(Sandbox(bwrap), limits)).teams
    assert team.run is not None
    tests_step = next(s for s in team.run.steps if s.name == "tests")
    assert "the disk limit stopped a write" in tests_step.contained, tests_step
    assert team.run.limits["disk_gb"] == 0.06
    assert tests_step.outcome == "exited 1", tests_step
    assert team.mlts is not None
    assert team.mlts.tests["infra-2"]["credit"] == 0.0  # the disk filled up
    assert team.mlts.tests["infra-1"]["credit"] == 1.0  # nothing the grader reads was writable
