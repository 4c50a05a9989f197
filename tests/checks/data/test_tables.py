"""The broken-file corpus: every unusable dataset exits 2 with one line naming file and key."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sekit.subjects.tables import read_table
from sekit_cli.app import cli

BROKEN = Path(__file__).parent / "broken_files"
EXPECTED: dict[str, str] = tomllib.loads((BROKEN / "expected.toml").read_text())


def project(tmp_path: Path, train: str) -> Path:
    (tmp_path / "sekit.toml").write_text(
        f'[project]\nname = "t"\n[data]\ntrain = "{train}"\nlabel = "label"\n'
    )
    return tmp_path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_dataset_exits_2_with_one_line(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if (BROKEN / name).exists():
        shutil.copy(BROKEN / name, tmp_path / name)
    monkeypatch.chdir(project(tmp_path, name))
    result = CliRunner().invoke(cli, ["check", "data", "--quiet"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("sekit: error:")]
    assert len(errors) == 1, result.stderr
    assert EXPECTED[name] in errors[0]
    assert "Traceback" not in result.output


def test_every_file_in_the_corpus_has_an_expectation() -> None:
    on_disk = {p.name for p in BROKEN.iterdir() if p.name != "expected.toml"}
    assert on_disk <= set(EXPECTED)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_the_three_formats_read_the_same_table(suffix: str, tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"a": [1.5, 2.5, None], "color": ["red", "white", "red"], "label": [0, 1, 0]}
    )
    path = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_json(path, orient="records", lines=True)
    loaded = read_table(path)
    assert list(loaded.columns) == ["a", "color", "label"]
    assert loaded["a"].isna().sum() == 1
    assert loaded["color"].tolist() == ["red", "white", "red"]


def test_a_clean_project_checks_from_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.checks.data.faults import LABEL, clean_frames

    train, test = clean_frames()
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_parquet(tmp_path / "test.parquet")
    (tmp_path / "sekit.toml").write_text(
        f'[project]\nname = "t"\n[data]\ntrain = "train.csv"\ntest = "test.parquet"\n'
        f'label = "{LABEL}"\n[gates]\n"data.missing_ratio" = {{ max = 0 }}\n'
        '"data.drift_share" = { max = 0 }\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["gate", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"data.rows": 398.0' in result.stdout
