"""Tables inside hand-written docs pages that are generated from sekit's own declarations
(whole reference pages are written by ``python -m sekit_cli.docs``, which also refreshes
these).

A generated table sits between two markers in a Markdown file::

    <!-- generated: mlts-mapping -->
    | ... |
    <!-- end: mlts-mapping -->

``python -m sekit.doctables`` rewrites every such block from :data:`GENERATORS`; a test fails
when a block is stale, so the docs can never drift from the code.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sekit.grade.rubric import Rubric

FILES = ("README.md", "docs/explanation/grading.md", "docs/explanation/ml-test-score.md")
BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end: (?P=name) -->)", re.DOTALL
)


def _mlts_mapping() -> str:
    from sekit.grade.mlts import TESTS, mapping

    rows_by_test = mapping()
    rows = [
        "| test | the paper's title | sekit checks (all must pass) | why |",
        "|---|---|---|---|",
    ]
    for test, title in TESTS.items():
        if test in rows_by_test:
            row = rows_by_test[test]
            why = row.why
            needed = f" (and `{row.requires}` > 0)" if row.requires else ""
            shown = ", ".join(f"`{c}`" for c in row.checks) + needed
        else:
            shown, why = "none: the team's own tagged tests, or a documented manual test", ""
        rows.append(f"| {test} | {title} | {shown} | {why} |")
    return "\n".join(rows) + "\n"


def _rubric() -> str:
    from sekit.grade.rubric import builtin

    return rubric_table(builtin())


def rubric_table(rubric: Rubric) -> str:
    """A rubric's items as the Markdown table of the reference: id, section, points, and the
    rule each detector publishes."""
    rows = [
        f"Rubric `{rubric.version}`: {len(rubric.items)} items, {rubric.total:g} points (the "
        "score is the share of them, 0-100).",
        "",
        "| item | section | points | what earns it |",
        "|---|---|---|---|",
    ]
    for item in rubric.items:
        rows.append(f"| `{item.id}` | {item.section} | {item.points:g} | {item.rule} |")
    return "\n".join(rows) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "mlts-mapping": _mlts_mapping,
    "rubric": _rubric,
}


def refresh(text: str) -> str:
    """The text with every generated block rewritten."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            raise KeyError(f"no generator for the table {name!r}")
        return f"{match.group(1)}{GENERATORS[name]()}{match.group(4)}"

    return BLOCK.sub(replace, text)


def stale(root: Path) -> list[str]:
    """The files under ``root`` whose generated tables are out of date."""
    return [
        name
        for name in FILES
        if (root / name).is_file()
        and refresh((root / name).read_text(encoding="utf-8"))
        != (root / name).read_text(encoding="utf-8")
    ]


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".")
    for name in FILES:
        path = root / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            new = refresh(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"updated {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
