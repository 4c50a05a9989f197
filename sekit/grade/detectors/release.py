"""Release engineering, read from workflows and Dockerfiles: versions from tags and
pre-releases on main, images built in stages for several architectures with the model left
out, libraries reused through a package registry with their version from package metadata.
"""

from __future__ import annotations

import re
from typing import Any

from sekit.grade.detectors import dockerfile
from sekit.grade.detectors.common import Outcome, from_parts, line_of, pyproject, sources
from sekit.grade.detectors.item import Item, item
from sekit.grade.detectors.workflows import Step, steps
from sekit.grade.repository import Hit, Repository

FROM_TAG = re.compile(
    r"GITHUB_REF#refs/tags/|github\.ref_name|refs/tags/|type=semver|CI_COMMIT_TAG|"
    r"git describe|setuptools[_-]scm|\$\{\{\s*github\.event\.release\.tag_name|"
    r"release-please|semantic-release",
    re.IGNORECASE,
)
PRE_RELEASE = re.compile(
    r"-(pre|rc|alpha|beta|canary|dev|snapshot)(?:[-.]?(?:\$|\d|\{))|"
    r"\d+\.\d+\.\d+-?(pre|rc|alpha|beta|canary|dev)\b|\.dev\d|"
    r"(\}|\$\w+)-(pre|rc|alpha|beta|canary|dev|snapshot)\b|"
    r"prerelease:\s*true|--prerelease\b|prerelease-type",
    re.IGNORECASE,
)
COUNTER = re.compile(
    r"github\.run_number|github\.run_id|GITHUB_RUN_NUMBER|CI_PIPELINE_IID|CI_PIPELINE_ID|"
    r"rev-list\s+--count|git describe(?![^\n]*--abbrev=0)|\bcommits? since\b|\+\s*1\b|"
    r"\$\(\(\s*\w+\s*\+\s*1|"
    r"timestamp|date\s+\+%",
    re.IGNORECASE,
)


def _on_main(step: Step) -> bool:
    return any(
        t in ("push-branches:main", "push-branches:master", "push") for t in step.triggers
    ) and not re.search(r"startsWith\(github\.ref, 'refs/tags", step.condition)


@item("release.versions", "release", "versions from release tags, pre-releases on main", points=2)
def release_versions(repo: Repository) -> Outcome:
    """Versions from release tags (a workflow started by a ``v1.2.3`` tag that takes its version
    from the tag) and pre-releases on main (a workflow on pushes to main that versions what it
    builds ``1.2.4-pre-<n>``, with a counter that tells two pre-releases apart)."""
    found = steps(repo)
    tagged = [s for s in found if any(t.endswith("-tags") or t == "release" for t in s.triggers)]
    from_tag = next((s for s in tagged if FROM_TAG.search(s.text)), None)
    pre = next((s for s in found if _on_main(s) and PRE_RELEASE.search(s.text)), None)
    if pre is None:  # a version script the workflow calls (get_version.sh) counts as its text
        for step in (s for s in found if _on_main(s)):
            for script in re.findall(r"[\w./-]+\.(?:sh|py)\b", step.run):
                path = script.removeprefix("./")
                if path in repo.files and PRE_RELEASE.search(repo.text(path) or ""):
                    pre = step
                    break
    counted = pre is not None and bool(COUNTER.search(_with_scripts(repo, pre)))
    evidence = []
    if tagged:
        evidence.append(f"release on a tag: {tagged[0].line(repo, r'tags|release')}")
    if from_tag:
        evidence.append(f"version from the tag: {from_tag.line(repo, FROM_TAG.pattern)}")
    if pre:
        evidence.append(f"pre-release on main: {pre.line(repo, PRE_RELEASE.pattern)}")
    if pre and not counted:
        evidence.append("no counter tells two pre-releases of one version apart (-pre-<n>)")
    return from_parts(
        {
            "tag": (0.3, bool(tagged)),
            "version_from_tag": (0.2, from_tag is not None),
            "pre_release": (0.3, pre is not None),
            "counter": (0.2, counted),
        },
        evidence,
        "no workflow releases on a version tag or versions pre-releases on main",
    )


def _with_scripts(repo: Repository, step: Step) -> str:
    text = step.run
    for script in re.findall(r"[\w./-]+\.(?:sh|py)\b", step.run):
        path = script.removeprefix("./")
        if path in repo.files:
            text += "\n" + (repo.text(path) or "")
    return text


ARCHITECTURES = re.compile(r"(amd64|x86_64).*(arm64|aarch64)|(arm64|aarch64).*(amd64|x86_64)")


@item(
    "release.images", "release", "images in stages, multi-architecture, no model inside", points=2
)
def images(repo: Repository) -> Outcome:
    """Images built in stages (a ``COPY --from`` a build stage), for several architectures (a
    workflow that builds amd64 and arm64), without the model inside (no model file copied in:
    the service downloads it when it starts), and a local cache (the download skipped when the
    file is there)."""
    files = dockerfile.dockerfiles(repo)
    if not files:
        return Outcome("missing", ["no Dockerfile"])
    staged = next(
        ((f, i) for f in files if (i := dockerfile.multi_stage(repo, f)) is not None), None
    )
    builds = [s for s in steps(repo) if re.search(r"platforms?", s.text)]
    multi = next((s for s in builds if ARCHITECTURES.search(s.text.replace("\n", " "))), None)
    copied = [(f, i) for f in files for i in dockerfile.copied_models(repo, f)]
    downloads = _downloads_model(repo)
    cached = _cached(repo, downloads)
    evidence = []
    if staged:
        evidence.append(f"stages: {dockerfile.where(*staged)}")
    else:
        evidence.append(f"{files[0]}: one stage ({len(dockerfile.stages(repo, files[0]))} FROM)")
    if multi:
        evidence.append(f"architectures: {multi.line(repo, r'platforms?')}")
    if copied:
        evidence.append(f"the model is in the image: {dockerfile.where(*copied[0])}")
    elif downloads:
        evidence.append(f"model downloaded at start: {downloads}")
        evidence.append(
            f"kept in a local cache: {cached}" if cached else "downloaded again at every start"
        )
    return from_parts(
        {
            "stages": (0.3, staged is not None),
            "architectures": (0.3, multi is not None),
            "model_outside": (0.25, not copied and downloads is not None),
            "cached": (0.15, not copied and cached is not None),
        },
        evidence,
        "",
    )


DOWNLOAD = re.compile(
    r"requests\.get|urlretrieve|urlopen|httpx\.get|\bwget\b|\bcurl\b|hf_hub_download|"
    r"download_file|dvc\.api|mlflow\.\w+\.load_model|gdown",
    re.IGNORECASE,
)
MODEL_WORDS = re.compile(r"model|\.jbl|\.joblib|\.pkl|\.onnx|artifact|vectori[sz]er", re.I)


def _downloads_model(repo: Repository) -> Hit | None:
    """Where the service fetches its model when it starts: a download in the code (or its
    start script) that names a model, or sits in a function or file about the model."""
    for globs in (tuple(sources(repo)), ("*.sh",)):
        for hit in repo.grep(DOWNLOAD.pattern, globs, limit=40):
            text = repo.text(hit.path) or ""
            if MODEL_WORDS.search(hit.text) or re.search(
                r"def \w*(download|fetch|load)\w*model|MODEL_(URL|VERSION)", text
            ):
                return hit
    return None


CACHE = re.compile(r"\.exists\(|\.is_file\(|path\.isfile\(|path\.exists\(|\[\s*-[fe]\s")


def _cached(repo: Repository, download: Hit | None) -> Hit | None:
    """Where the download is skipped when the model is already there: a test for the file
    in the code that downloads it, before the download."""
    if download is None:
        return None
    lines = (repo.text(download.path) or "").splitlines()[: download.line]
    return next(
        (Hit(download.path, n, t) for n, t in enumerate(lines, start=1) if CACHE.search(t)),
        None,
    )


GENERATED = re.compile(r"generated|automatically|do not edit|written by", re.IGNORECASE)
TEAM_LIBRARY = re.compile(r"^(lib[-_]?\w+|\w+[-_]lib)$", re.IGNORECASE)
LOCAL = re.compile(r"^-e\s|file:|\.\./|path\s*=|@\s*file", re.IGNORECASE)


def _dependencies(repo: Repository) -> list[tuple[str, str]]:
    """(where, the declaration) of every dependency the repository declares."""
    found = []
    for relative in repo.matching(("requirements*.txt",)):
        for number, line in enumerate((repo.text(relative) or "").splitlines(), start=1):
            if line.strip() and not line.strip().startswith("#"):
                found.append((f"{relative}:{number}: {line.strip()[:100]}", line.strip()))
    data = pyproject(repo)
    found_project = data.get("project")
    project: dict[str, Any] = found_project if isinstance(found_project, dict) else {}
    declared = [d for d in project.get("dependencies") or [] if isinstance(d, str)]
    for extra in (project.get("optional-dependencies") or {}).values():
        declared += [d for d in extra if isinstance(d, str)] if isinstance(extra, list) else []
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    for name, value in (
        (poetry.get("dependencies") or {}).items() if isinstance(poetry, dict) else []
    ):
        declared.append(f"{name} = {value}")
    for text in declared:
        name = re.split(r"[\s=<>~!@\[;]", text, maxsplit=1)[0]
        found.append((line_of(repo, "pyproject.toml", re.escape(name)), text))
    for relative in repo.matching(("package.json",)):
        for number, line in enumerate((repo.text(relative) or "").splitlines(), start=1):
            if re.match(r'\s*"(@[\w-]+/)?lib[-\w]*"\s*:', line):
                found.append((f"{relative}:{number}: {line.strip()}", line.strip().strip(",")))
    for relative in repo.matching(("pom.xml",)):
        for number, line in enumerate((repo.text(relative) or "").splitlines(), start=1):
            if re.search(r"<artifactId>lib-", line):
                found.append((f"{relative}:{number}: {line.strip()}", line.strip()))
    return found


@item("release.libraries", "release", "libraries from a registry, versioned by metadata", points=1)
def libraries(repo: Repository) -> Outcome:
    """Shared code reused through a package manager (a dependency on the team's library from a
    registry or a tagged git URL, never a local path), and a library whose version comes from
    its package metadata or a file the release writes, not from a literal typed twice."""
    reused: list[str] = []
    local: list[str] = []
    for where, text in _dependencies(repo):
        declared = re.sub(r"^-e\s+", "", text.strip("\"' "))
        if declared.startswith((".", "/", "file:")):  # a local path: its last folder names it
            declared = declared.rstrip("/").rsplit("/", 1)[-1]
        name = re.split(r"[\s=<>~!@\[;:\"]", declared, maxsplit=1)[0]
        if TEAM_LIBRARY.match(name) or "<artifactId>lib-" in text:
            (local if LOCAL.search(text) else reused).append(where)
    metadata = repo.grep(
        r"importlib\.metadata|importlib_metadata|get_distribution\(|pkg_resources|"
        r"setuptools[_-]scm|__version__\s*=\s*version\(",
        (*sources(repo), "pyproject.toml", "setup.cfg"),
        limit=2,
    )
    dynamic = pyproject(repo).get("project", {}).get("dynamic", [])
    generated: list[str] = [
        s.line(repo, "version")
        for s in steps(repo)
        if "version" in s.text.lower()
        and re.search(r"sed -i|>\s*\S*_?version|bump|poetry version|npm version", s.run)
    ]
    generated += [
        f"{f}: {GENERATED.search(repo.text(f) or '').group(0)}"  # type: ignore[union-attr]
        for f in repo.files
        if re.search(r"(^|/)_?version\.py$", f) and GENERATED.search(repo.text(f) or "")
    ]
    evidence = reused[:1] + [f"local, not from a registry: {w}" for w in local[:1]]
    if metadata:
        evidence.append(f"version from package metadata: {metadata[0]}")
    elif "version" in dynamic and generated:
        evidence.append(f"version written by the release: {generated[0]}")
    from_metadata = bool(metadata) or ("version" in dynamic and bool(generated))
    return from_parts(
        {"reused": (0.5, bool(reused) and not local), "versioned": (0.5, from_metadata)},
        evidence,
        "no library of the team reused through a package manager, no version from metadata",
    )


ITEMS: tuple[Item, ...] = (release_versions, images, libraries)
