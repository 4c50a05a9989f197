"""Saving and loading reports: atomic writes, and clear errors for broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from sekit import fs
from sekit.errors import ReportError
from sekit.report import ProjectInfo, Report, load_report, save_report
from sekit.results import CheckResult
from tests.helpers import finding


def sample_report(name: str = "demo") -> Report:
    check = CheckResult.from_findings(
        id="data.missing_values",
        suite="data",
        metrics={"missing_ratio": 0.12},
        findings=[finding("missing_values", column="alcohol")],
    )
    return Report(
        project=ProjectInfo(name=name, root="."),
        verdict="fail",
        checks=[check],
        metrics=check.qualified_metrics(),
    )


def test_a_report_is_readable_by_others_like_any_new_file(tmp_path: Path) -> None:
    import os

    path = save_report(sample_report(), tmp_path / "report.json")
    current = os.umask(0o022)
    os.umask(current)
    assert path.stat().st_mode & 0o777 == 0o666 & ~current


def test_round_trip(tmp_path: Path) -> None:
    path = save_report(sample_report(), tmp_path / ".sekit" / "report.json")
    loaded = load_report(path)
    assert loaded == sample_report().model_copy(update={"created": loaded.created})
    assert loaded.checks[0].findings[0].column == "alcohol"


def test_an_interrupted_write_leaves_the_previous_report_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.json"
    save_report(sample_report("before"), path)
    before = path.read_bytes()

    real_fdopen = fs.os.fdopen

    class Dies:
        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> Dies:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def write(self, text: str) -> None:
            self.handle.write(text[: len(text) // 2])  # type: ignore[attr-defined]
            raise KeyboardInterrupt  # Ctrl-C halfway through the write

    monkeypatch.setattr(fs.os, "fdopen", lambda *a, **k: Dies(real_fdopen(*a, **k)))
    with pytest.raises(KeyboardInterrupt):
        save_report(sample_report("after"), path)
    assert path.read_bytes() == before
    assert load_report(path).project.name == "before"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "report not found"),
        (b"", "not valid JSON"),
        (b'{"verdict": ', "not valid JSON (line 1"),
        (b"\xff\xfe\x00garbage", "not a text file"),
        (b'{"hello": "world"}', "not a sekit report"),
        (
            b'{"sekit_version": "0.1.0", "created": "x", "project": {"name": "a", "root": "."},'
            b' "verdict": "maybe", "checks": [], "metrics": {}, "gates": []}',
            "verdict",
        ),
    ],
)
def test_broken_reports_are_one_line_errors(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "report.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReportError) as info:
        load_report(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
