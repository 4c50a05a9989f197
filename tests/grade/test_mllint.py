"""``--format mllint``: mllint's categories, slugs and Markdown layout, from sekit's grade."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from sekit_cli.app import cli
from tests.grade.conftest import Repo

CATEGORIES = [
    "Version Control (`version-control`)",
    "Dependency Management (`dependency-management`)",
    "Code Quality (`code-quality`)",
    "Data Quality (`data-quality`)",
    "Testing (`testing`)",
    "Continuous Integration (`ci`)",
]


def test_mllint_layout(repo: Repo, tmp_path: Path) -> None:
    root = repo(
        {
            "requirements.txt": "pandas==2.2.3\n",
            "tests/test_a.py": "def test_a():\n    assert 1\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: pytest\n",
        }
    )
    result = CliRunner().invoke(
        cli, ["grade", str(root), "--format", "mllint", "--db", str(tmp_path / "g.db")]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# ML Project Report\n**Project** | **Details**\n")
    headings = re.findall(r"^### (.+?) — \*\*[\d.]+\*\*%$", text, re.M)
    assert headings == CATEGORIES
    assert "Passed | Score | Weight | Rule | Slug\n:-----:|------:|-------:|------|-----" in text
    assert "✅ | 100.0% | 5 | CI runs the tests | `ci/use`" in text
    assert re.search(r"❌ \| [\d.]+% \| 5 \| unit tests \| `testing/has-tests`", text)
    assert "`version-control/code/git`" in text
    assert "#### Details — unit tests — ❌\n\n- 1 test functions" in text
    assert "more sekit items outside mllint's categories" in text
