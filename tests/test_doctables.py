"""Generated tables in the README and the docs are never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from sekit import doctables

ROOT = Path(__file__).resolve().parent.parent


def test_every_generated_table_is_fresh() -> None:
    assert doctables.stale(ROOT) == [], "run `python -m sekit.doctables` and commit the result"


def test_a_stale_table_is_found_and_rewritten(tmp_path: Path) -> None:
    (tmp_path / "docs" / "explanation").mkdir(parents=True)
    page = tmp_path / "docs" / "explanation" / "ml-test-score.md"
    page.write_text("# x\n<!-- generated: mlts-mapping -->\nold\n<!-- end: mlts-mapping -->\n")
    assert doctables.stale(tmp_path) == ["docs/explanation/ml-test-score.md"]
    doctables.main([str(tmp_path)])
    assert doctables.stale(tmp_path) == []
    assert "| data-1 |" in page.read_text()


def test_an_unknown_table_is_an_error() -> None:
    with pytest.raises(KeyError, match="no generator for the table 'nope'"):
        doctables.refresh("<!-- generated: nope -->\nx\n<!-- end: nope -->\n")
