"""Tables in the README and the docs that are generated from sekit's own declarations.

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
from typing import Any

FILES = ("README.md", "docs/grading.md", "docs/ml-test-score.md")
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
    from sekit.grade.detectors import DETECTORS
    from sekit.grade.rubric import BUILTIN, RUBRIC_VERSION

    total = sum(item.points for item in BUILTIN)
    rows = [
        f"Rubric `{RUBRIC_VERSION}`: {len(BUILTIN)} items, {total:g} points (the score is the "
        "share of them, 0-100).",
        "",
        "| item | section | points | what earns it |",
        "|---|---|---|---|",
    ]
    for item in BUILTIN:
        doc = (DETECTORS[item.detector].__doc__ or item.title).strip().split("\n\n")[0]
        rows.append(f"| `{item.id}` | {item.section} | {item.points:g} | {' '.join(doc.split())} |")
    return "\n".join(rows) + "\n"


def _checks(suite: str) -> Callable[[], str]:
    def table() -> str:
        from sekit.vocabulary import specs

        rows = ["| check | what it reports (default severity) | metrics |", "|---|---|---|"]
        for spec in specs():
            if spec.suite == suite and spec.engine == "native":
                metrics = ", ".join(f"`{m}`" for m in spec.metric_names)
                rows.append(f"| `{spec.id}` | {spec.emits} | {metrics} |")
        return "\n".join(rows) + "\n"

    return table


def _settings() -> str:
    """Every config key that tunes a check: the keys of its config table (from the table's
    model: default and description) and the other keys it reads."""
    from sekit.vocabulary import specs

    described: dict[str, tuple[str, list[str]]] = {}
    for spec in specs():
        keys: list[tuple[str, str]] = []
        table, model = spec.section if spec.section is not None else ("", None)
        for key in spec.settings:
            if model is not None and key == table:  # the whole table: each of its keys
                keys += [(f"{table}.{name}", _field(model, name)) for name in model.model_fields]
            elif model is not None and key.startswith(f"{table}.") and "<" not in key:
                keys.append((key, _field(model, key[len(table) + 1 :])))
            else:
                keys.append((key, _described(key)))
        for key, text in keys:
            known = described.setdefault(key, (text, []))
            if spec.id not in known[1]:
                known[1].append(spec.id)
    rows = ["| config key | what it sets | tunes |", "|---|---|---|"]
    rows += [
        f"| `{key}` | {text} | {', '.join(ids)} |" for key, (text, ids) in sorted(described.items())
    ]
    return "\n".join(rows) + "\n"


def _field(model: Any, name: str) -> str:
    info = model.model_fields.get(name)
    if info is None:
        raise KeyError(f"{model.__name__} has no key {name!r}")
    if info.is_required():
        return f"{info.description or ''} (required)".strip()
    default = info.get_default(call_default_factory=True)
    shown = "" if default is None or isinstance(default, list | dict) else f" (default `{default}`)"
    return f"{info.description or ''}{shown}".strip()


def _described(key: str) -> str:
    """The description of a config key such as ``[data].production`` or
    ``[data.columns.<name>].nullable``, read from the config schema."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    from sekit.config.schema import Config

    match = re.fullmatch(r"\[([\w.<>]+)\]\.(\w+)", key)
    if match is None:
        return ""
    model: Any = Config
    for part in match.group(1).split("."):
        if part.startswith("<"):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return ""
        kinds = [info.annotation, *get_args(info.annotation)]
        kinds += [arg for k in kinds if get_origin(k) is dict for arg in get_args(k)]
        found = [k for k in kinds if isinstance(k, type) and issubclass(k, BaseModel)]
        if not found:
            return ""
        model = found[0]
    return _field(model, match.group(2)) if match.group(2) in model.model_fields else ""


GENERATORS: dict[str, Callable[[], str]] = {
    "mlts-mapping": _mlts_mapping,
    "rubric": _rubric,
    "checks-data": _checks("data"),
    "checks-model": _checks("model"),
    "checks-load": _checks("load"),
    "checks-release": _checks("release"),
    "checks-monitor": _checks("monitor"),
    "config-keys": _settings,
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
