"""The documentation: generated reference pages are fresh, every page the code or the README
points at exists, the README stays short, and every config key says what it sets."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from sekit.config.loader import config_model
from sekit_cli import docs

ROOT = Path(__file__).resolve().parent.parent
POINTER = re.compile(r"docs/[\w./-]+\.md")


def test_every_generated_reference_page_is_fresh() -> None:
    assert docs.stale(ROOT) == [], "run `python -m sekit_cli.docs` and commit the result"


def test_a_stale_page_is_found(tmp_path: Path) -> None:
    (tmp_path / "docs" / "reference").mkdir(parents=True)
    (tmp_path / "docs" / "reference" / "kinds.md").write_text("# old\n")
    assert "docs/reference/kinds.md" in docs.stale(tmp_path)
    assert docs.main(["--check", str(tmp_path)]) == 1


def test_the_readme_is_what_a_newcomer_needs() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    assert sum(line.startswith("python3 -m") for line in lines) == 2  # the two commands


def test_every_page_the_code_and_the_readme_point_at_exists() -> None:
    sources = [*(ROOT / "sekit").rglob("*.py"), *(ROOT / "cli").rglob("*.py"), ROOT / "README.md"]
    pointed = {
        (path, match)
        for path in sources
        if "scaffold/templates" not in str(path)
        for match in POINTER.findall(path.read_text(encoding="utf-8"))
        if not match.startswith(("docs/mlts/", "docs/model_card", "docs/requirements"))
    }
    assert pointed, "the code points at no page at all"
    missing = [
        (str(path.relative_to(ROOT)), page) for path, page in pointed if not (ROOT / page).is_file()
    ]
    assert missing == []
    for path in sources:
        assert "README, '" not in path.read_text(encoding="utf-8"), path  # pages, not sections


def test_every_config_key_says_what_it_sets() -> None:
    undescribed: list[str] = []
    seen: set[type[BaseModel]] = set()

    def tables(annotation: object) -> list[type[BaseModel]]:
        found = [annotation, *typing.get_args(annotation)]
        found += [inner for arg in typing.get_args(annotation) for inner in typing.get_args(arg)]
        return [t for t in found if isinstance(t, type) and issubclass(t, BaseModel)]

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            inner = tables(field.annotation)
            if not inner and not field.description:
                undescribed.append(f"{model.__name__}.{name}")
            for table in inner:
                walk(table)

    walk(config_model())
    assert len(seen) > 10 and undescribed == []
