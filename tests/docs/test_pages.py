"""The tutorial and the how-to pages, run as written (tests/docs/console.py): each page from
the start its directive names, every console block in order, each command's exit code and the
lines the page quotes checked. A page cannot drift from the program again.

Starts:
- ``empty``: an empty folder and a bare shell (no virtual environment): the page creates its
  own and installs sekit, as a reader on a fresh machine does (``first=`` runs another page
  before it, e.g. the install page). The repository URL is answered by a copy of this
  checkout: the test has no network but the package index.
- ``project``: a scaffolded classification project, trained (``dvc repro``) and committed, in
  an environment with sekit and the project installed; the shell starts in its folder.
- ``none``: not run; the directive must say why (``reason=``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.docs.console import Page, environment, parse, run
from tests.scaffold.test_integration import environment as scaffolded  # noqa: F401
from tests.scaffold.test_integration import install, source_copy

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(
    [DOCS / "install.md", *(DOCS / "tutorial").glob("*.md"), *(DOCS / "howto").glob("*.md")]
)
URL = "https://github.com/sekit-ml/sekit.git"
STARTS = {"empty", "project", "none"}


def test_every_page_says_how_it_is_run() -> None:
    for path in PAGES:
        page = parse(path)
        assert page.settings.get("start") in STARTS, f"{path}: no <!-- doctest: start=... -->"
        if page.settings["start"] == "none":
            assert page.settings.get("reason"), f"{path}: start=none needs a reason"
        else:
            assert page.commands, f"{path}: a page that runs has console blocks"


def _repository(tmp_path: Path) -> Path:
    """This checkout as a git repository, the answer to the docs' clone URL."""
    source = source_copy(tmp_path / "sekit-source")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run(["git", "init", "-q"], cwd=source, check=True)
    subprocess.run(["git", "add", "-A"], cwd=source, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "sekit"], cwd=source, check=True)
    return source


def _check(pages: list[Page], cwd: Path, env: dict[str, str], replace: dict[str, str]) -> None:
    """Run the pages as one session; fail with every problem and what each failing command
    printed."""
    whole = Page(pages[-1].path, pages[-1].settings, [c for p in pages for c in p.commands])
    problems, shown = [], []
    for ran in run(whole, cwd, env, replace=replace):
        found = ran.problems(next(p.path for p in pages if ran.command in p.commands))
        if found:
            problems += found
            shown.append(f"--- $ {ran.command.text}\n{ran.printed[-4000:]}")
    assert problems == [], "\n".join(problems) + "\n\n" + "\n".join(shown)


FIRSTS = {
    (p.parent / parse(p).settings["first"]).resolve() for p in PAGES if "first" in parse(p).settings
}
# a page another page runs first is run with it, not twice
RUN = [
    p
    for p in PAGES
    if parse(p).settings.get("start") in ("empty", "project") and p.resolve() not in FIRSTS
]


@pytest.mark.venv
@pytest.mark.services
@pytest.mark.timeout(2400)
@pytest.mark.parametrize("path", RUN, ids=[str(p.relative_to(DOCS)) for p in RUN])
def test_the_page_runs_as_written(
    path: Path,
    tmp_path: Path,
    scaffolded: tuple[Path, dict[str, str]],  # noqa: F811
) -> None:
    page = parse(path)
    pages = [page]
    if "first" in page.settings:
        pages.insert(0, parse((path.parent / page.settings["first"]).resolve()))
    if page.settings["start"] == "empty":
        work = tmp_path / "reader"
        work.mkdir()
        replace = {URL: str(_repository(tmp_path))}
        _check(pages, work, environment(), replace)
        return
    bin_dir, env = scaffolded
    subprocess.run(
        [bin_dir / "sekit", "new", "docs-demo", "--team", "Ana,Ben,Caro,Dan"],
        cwd=tmp_path, env=env, check=True, capture_output=True,
    )  # fmt: skip
    project = tmp_path / "docs-demo"
    install(project, bin_dir, env)
    subprocess.run([bin_dir / "dvc", "repro", "-q"], cwd=project, env=env, check=True)
    # the environment is shared: a page's `pip` waits for the lock the other installs take
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "pip").write_text(
        f"#!/bin/sh\nexec flock {bin_dir.parent.parent / 'install.lock'} "
        f'{bin_dir / "python"} -m pip "$@"\n'
    )
    (shim / "pip").chmod(0o755)
    reader = environment(bin_dir)
    reader["PATH"] = f"{shim}:{reader['PATH']}"
    _check(pages, project, reader, {})
