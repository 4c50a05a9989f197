"""Build ``examples/``: one project per template, and the broken variants as their edits.

    python -m sekit.scaffold.examples examples/

The template renders are complete projects (people browse them); a broken variant is only
what differs: ``examples/broken/NAME/variant.diff`` (its edits against ``examples/
classification/``) and a README with its story. ``sekit exercise start NAME`` and the tests
apply the edits to a fresh render (:func:`sekit.scaffold.variants.plan_variant`). The examples
are generated (``tests/scaffold/test_examples.py`` checks they are current), so regenerate them
after changing a template. Data and models are not committed (each project's .gitignore):
``dvc repro`` in a project's folder trains it (the examples are no git repositories of their
own, so their DVC is configured with ``core.no_scm``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sekit.scaffold import TEMPLATES, Plan, create, plan, without_git
from sekit.scaffold.variants import VARIANTS, diff

BASE = "classification"  # the render the variants' diffs apply to


def plans(root: Path) -> list[Plan]:
    """The template renders: the examples are no git repositories of their own."""
    made = [
        plan(
            f"{template}-demo",
            template=template,
            team=["Ana", "Ben", "Caro", "Dan"],
            target=root / template,
        )
        for template in TEMPLATES
    ]
    return [without_git(project) for project in made]


def broken(root: Path) -> dict[Path, str]:
    """Each broken example's files (path -> text): its diff and its README."""
    base = next(p for p in plans(root) if p.target.name == BASE)
    files: dict[Path, str] = {}
    for name, variant in VARIANTS.items():
        if not variant.example:
            continue
        folder = root / "broken" / name
        files[folder / "variant.diff"] = diff(name, base)
        files[folder / "README.md"] = (
            f"# {name}: {variant.title}\n\n"
            f"> {variant.story}\n\n"
            f"`sekit gate` blocks with `{variant.expect}`. This folder holds only what differs "
            f"from `examples/{BASE}/` (`variant.diff`); to try it:\n\n"
            "```bash\n"
            f"sekit exercise start {name} {name}   # the broken project, with its task\n"
            f'cd {name} && pip install -e ".[dev]" && dvc repro && sekit gate\n'
            "```\n\n"
            f"or by hand: `cp -r examples/{BASE} {name} && cd {name} && "
            f"patch -p1 < ../examples/broken/{name}/variant.diff`.\n"
        )
    return files


def build(root: Path) -> list[Path]:
    written = []
    for project in plans(root):
        if project.target.exists():
            shutil.rmtree(project.target)
        create(project, git=False)
        written.append(project.target)
    if (root / "broken").exists():
        shutil.rmtree(root / "broken")
    for path, text in broken(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written in build(Path(sys.argv[1] if len(sys.argv) > 1 else "examples")):
        print(f"wrote {written}")
