"""A suite from another package (entry-point group ``sekit.suites``) is found exactly as the
built-in ones are, and needs no other file: its own package (tests/plugins/sekit_privacy, one
module and a pyproject.toml) gives ``sekit check`` a suite, an option, a config table, a
finding kind that ``sekit explain`` knows, a gateable metric and a picture in the HTML report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import sekit.checks as registry
from sekit.config.loader import load_config
from sekit.errors import SekitError
from sekit.runner import run_checks
from tests.helpers import MINIMAL_CONFIG

PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "sekit_privacy"
LIBRARY = Path(__file__).resolve().parents[2]
PLUGIN_RUN = pytest.mark.slow  # installs the plugin, runs sekit in subprocesses
SEKIT = Path(sys.executable).with_name("sekit")

PERSONAL = "age,email,city,label\n" + "".join(
    f"{20 + i},{'p' + str(i) + '@mail.example' if i % 3 == 0 else 'unknown'},Jena,{i % 2}\n"
    for i in range(30)
)
CLEAN = "age,email,city,label\n" + "".join(f"{20 + i},unknown,Jena,{i % 2}\n" for i in range(30))
CONFIG = """
[project]
name = "privacy-demo"

[data]
train = "train.csv"
label = "label"

[privacy]
max_share = 0.0

[gates]
"privacy.pii_share" = { max = 0.0 }
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin installed as pip installs it (its code and its .dist-info with the entry
    point), in a folder that goes on the path."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(PLUGIN),
        ],
        check=True,
        capture_output=True,
    )
    return target


def sekit(*args: str, cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    return subprocess.run(
        [str(SEKIT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def project(root: Path, data: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "train.csv").write_text(data)
    (root / "sekit.toml").write_text(CONFIG)
    return root


def test_no_file_of_sekit_names_the_plugin() -> None:
    for path in [*(LIBRARY / "sekit").rglob("*.py"), *(LIBRARY / "cli").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert not {"sekit_privacy", "privacy.pii", "personal_data", "[privacy]"} & {
            word
            for word in ("sekit_privacy", "privacy.pii", "personal_data", "[privacy]")
            if word in text
        }, path


@PLUGIN_RUN
def test_the_plugin_suite_is_a_suite_like_the_others(site: Path, tmp_path: Path) -> None:
    helped = sekit("check", "--help", cwd=tmp_path, site=site)
    assert "privacy" in helped.stdout and "--only" in helped.stdout
    schema = json.loads(sekit("config", "schema", cwd=tmp_path, site=site).stdout)
    assert "max_share" in json.dumps(schema["$defs"]["Privacy"])
    explained = sekit("explain", "personal_data", cwd=tmp_path, site=site)
    assert explained.returncode == 0 and "pseudonymise" in explained.stdout


@PLUGIN_RUN
def test_the_plugin_suite_blocks_and_draws(site: Path, tmp_path: Path) -> None:
    root = project(tmp_path / "leaky", PERSONAL)
    checked = sekit("check", "privacy", "--only", "email", "--format", "json", cwd=root, site=site)
    assert checked.returncode == 1, checked.stderr
    report = json.loads(checked.stdout)
    [finding] = [f for c in report["checks"] for f in c["findings"] if f["severity"] == "fail"]
    assert finding["kind"] == "personal_data" and finding["column"] == "email"
    assert report["metrics"]["privacy.pii_share"] == pytest.approx(10 / 30)
    html = sekit("report", "--format", "html", cwd=root, site=site).stdout
    assert "<h2>Privacy</h2>" in html and "personal-looking values per column" in html
    gated = sekit("gate", cwd=root, site=site)
    assert gated.returncode == 1 and "privacy.pii_share" in gated.stdout

    clean = project(tmp_path / "clean", CLEAN)
    assert sekit("gate", cwd=clean, site=site).returncode == 0


@PLUGIN_RUN
def test_its_settings_and_options_are_validated_by_sekit(site: Path, tmp_path: Path) -> None:
    root = project(tmp_path / "p", CLEAN)
    (root / "sekit.toml").write_text(CONFIG.replace("max_share = 0.0", "max_shar = 0.1"))
    typo = sekit("check", "privacy", cwd=root, site=site)
    assert typo.returncode == 2
    assert "privacy.max_shar: unknown key (did you mean 'max_share'?)" in typo.stderr
    (root / "sekit.toml").write_text(CONFIG)
    elsewhere = sekit("check", "data", "--only", "email", cwd=root, site=site)
    assert elsewhere.returncode == 2
    assert "--only only applies to `sekit check privacy`" in elsewhere.stderr
    (root / "sekit.toml").write_text(CONFIG + '\n[severity]\npersonal_dat = "warn"\n')
    severity = sekit("check", "privacy", cwd=root, site=site)
    assert severity.returncode == 2 and "did you mean 'personal_data'?" in severity.stderr


class FakeEntryPoint:
    def __init__(self, name: str, value: str, load: Callable[[], object]) -> None:
        self.name, self.value, self.load = name, value, load


@pytest.fixture
def entry_points(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def install(group: str, points: list[FakeEntryPoint]) -> None:
        found = {group: points}

        class Installed:  # importlib.metadata.EntryPoints, as far as discovery reads it
            def select(self, *, group: str) -> list[FakeEntryPoint]:
                return found.get(group, [])

        monkeypatch.setattr(registry, "entry_points", Installed)
        registry.use(None)

    yield install
    registry.use(None)


def test_a_broken_plugin_is_a_clear_error(
    entry_points: Callable[..., None], tree: Callable[[dict[str, str | bytes]], Path]
) -> None:
    def broken() -> object:
        raise ImportError("No module named 'pandas_profiling'")

    entry_points("sekit.suites", [FakeEntryPoint("team", "team_checks:SUITE", broken)])
    root = tree({"sekit.toml": MINIMAL_CONFIG})
    with pytest.raises(
        SekitError,
        match=r"the sekit suite 'team' \(team_checks:SUITE\) failed to load: "
        r"No module named 'pandas_profiling'",
    ):
        run_checks(load_config(root))


def test_an_entry_point_that_is_not_a_suite_is_refused(
    entry_points: Callable[..., None],
) -> None:
    entry_points("sekit.suites", [FakeEntryPoint("team", "team:rules", lambda: [1, 2])])
    with pytest.raises(SekitError, match=r"'team' .* is not a sekit Suite"):
        registry.suites()


def test_a_plugin_of_the_old_group_is_not_silently_lost(
    entry_points: Callable[..., None],
) -> None:
    entry_points("sekit.checks", [FakeEntryPoint("team", "team_checks", object)])
    with pytest.raises(SekitError, match=r"no longer reads.*declare a Suite"):
        registry.suites()
