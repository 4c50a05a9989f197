"""Without the deepchecks extra, asking for its engine says how to install it (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli
from tests.checks.data.faults import clean_frames


@pytest.mark.needs_no_deepchecks
@pytest.mark.parametrize("engine", ["deepchecks", "all"])
def test_missing_extra_exits_2_with_the_install_command(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train, _ = clean_frames()
    train.to_csv(tmp_path / "train.csv", index=False)
    (tmp_path / "sekit.toml").write_text('[project]\nname = "t"\n[data]\ntrain = "train.csv"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "data", "--engine", engine])
    assert result.exit_code == 2
    assert result.stderr == (
        "sekit: error: the deepchecks engine is not installed; install it "
        "with: pip install 'sekit-ml[deepchecks]'\n"
    )
