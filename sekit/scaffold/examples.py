"""Build ``examples/``: one project per template and the broken variants.

    python -m sekit.scaffold.examples examples/

The examples are generated (``tests/scaffold/test_examples.py`` checks they are current), so
regenerate them after changing a template. Data and models are not committed (each project's
.gitignore): ``dvc repro`` in a project's folder trains it (the examples are no git
repositories of their own, so their DVC is configured with ``core.no_scm``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sekit.scaffold import TEMPLATES, Plan, create, plan, without_git
from sekit.scaffold.variants import VARIANTS, plan_variant


def plans(root: Path) -> list[Plan]:
    """What ``build`` writes: the examples are no git repositories of their own."""
    made = [
        plan(
            f"{template}-demo",
            template=template,
            team=["Ana", "Ben", "Caro", "Dan"],
            target=root / template,
        )
        for template in TEMPLATES
    ]
    made += [
        plan_variant(name, target=root / "broken" / name)
        for name, variant in VARIANTS.items()
        if variant.example
    ]
    return [without_git(project) for project in made]


def build(root: Path) -> list[Path]:
    written = []
    for project in plans(root):
        if project.target.exists():
            shutil.rmtree(project.target)
        create(project, git=False)
        written.append(project.target)
    return written


if __name__ == "__main__":
    for folder in build(Path(sys.argv[1] if len(sys.argv) > 1 else "examples")):
        print(f"wrote {folder}")
