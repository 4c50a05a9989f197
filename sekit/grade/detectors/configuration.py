"""What a team sets outside its code: seeds and parameters in files (reproducibility), and the
services configured from their environment: where the model service is (a variable, not a
host name in the code), the port a service listens on, and an OpenAPI description of the
endpoints."""

from __future__ import annotations

import re

from sekit.grade.detectors import dockerfile
from sekit.grade.detectors.common import Outcome, from_parts, non_test
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Hit, Repository

CODE = ("*.py", "*.java", "*.kt", "*.js", "*.ts", "*.go", "*.properties", "*.sh")
ENV_READ = r"(os\.getenv|os\.environ(\.get)?|getenv|process\.env|System\.getenv|\$\{)"
SERVICE_ADDRESS = re.compile(
    ENV_READ + r"[\[(.\s\"']*\w*(MODEL|SERVICE|BACKEND|API)\w*(URL|HOST|ADDR|ADDRESS|URI)\w*",
    re.IGNORECASE,
)
PORT = re.compile(ENV_READ + r"[\[(.\s\"']*\w*PORT\b", re.IGNORECASE)
OPENAPI = re.compile(
    r"from flasgger|Swagger\(|flask_openapi3|flask_smorest|apispec|from fastapi import|"
    r"^openapi:\s*['\"]?3|^swagger:\s*['\"]?2|springdoc|@OpenAPIDefinition|swagger-ui|"
    r"@Operation\(|APIFlask",
    re.IGNORECASE | re.MULTILINE,
)


SEEDS = (
    r"\b(random_state|random_seed|seed)\s*(:\s*int\s*)?=\s*(?!None\b)[\w\"'(\[]|"
    r"\.seed\(\s*[^)\s]|manual_seed\(|set_seed\(|seed_everything\(|"
    r"^\s*(random_)?seed\s*[:=]\s*\d+"
)
"""A seed is set: a value given to ``random_state``/``seed``, a call that seeds a generator, or
a seed in a parameter file. The word "seed" alone (a lint rule's message, a docstring) is not
seeding."""

LINT_CODE = re.compile(r"lint", re.IGNORECASE)
"""A team's own lint rules (remla25-team8's ``pylint_custom/warning_example.py`` shows the smell
it flags): code about seeding, not the pipeline seeding."""
PARAMETER_FILE = re.compile(r"(params|config|hyperparameters?|settings)\.(toml|ya?ml|json)")
TOOL_OUTPUT = ("dvclive/", "mlruns/", "wandb/")  # parameter records tools write, not read


def _in_string(hit: Hit) -> bool:
    """Whether the match sits inside a string literal of its line (a message, not code)."""
    line = hit.text
    match = re.search(SEEDS, line, re.IGNORECASE)
    if match is None:
        return False
    before = line[: match.start()]
    return before.count('"') % 2 == 1 or before.count("'") % 2 == 1


@item("ops.reproducibility", "operation", "reproducible: seeds, parameters in files", points=3)
def reproducibility(repo: Repository) -> Outcome:
    """Fixed seeds and a parameter file; half for either."""
    seeds = [
        hit
        for hit in repo.grep(SEEDS, (*non_test(repo), "params.*", "*.toml", "*.yaml"), limit=50)
        if not _in_string(hit) and not LINT_CODE.search(hit.path)
    ]
    params = [
        f
        for f in repo.files
        if PARAMETER_FILE.fullmatch(f.rsplit("/", 1)[-1]) and not f.startswith(TOOL_OUTPUT)
    ]
    evidence = [str(h) for h in seeds[:1]] + params[:1]
    return from_parts(
        {"seeds": (0.5, bool(seeds)), "parameters": (0.5, bool(params))},
        evidence,
        "no fixed seeds and no parameter file",
    )


@item(
    "ops.configuration",
    "operation",
    "services configured from the environment, described by OpenAPI",
    points=1,
)
def configuration(repo: Repository) -> Outcome:
    """A third each: the model service's address read from an environment variable, a
    listening port read from one (in the code, the start script or the Dockerfile's start
    command), and an OpenAPI description of the endpoints."""
    address = repo.grep(SERVICE_ADDRESS.pattern, (*non_test(repo), *CODE[1:]), limit=1)
    port = repo.grep(PORT.pattern, (*non_test(repo), *CODE[1:]), limit=1)
    started = next(
        (
            dockerfile.where(f, i)
            for f in dockerfile.dockerfiles(repo)
            if (i := dockerfile.env_port(repo, f)) is not None
        ),
        None,
    )
    documented = repo.grep(
        OPENAPI.pattern, (*non_test(repo), "*.yaml", "*.yml", "*.json", "*.java"), limit=1
    )
    evidence = []
    if address:
        evidence.append(f"service address from the environment: {address[0]}")
    if port or started:
        evidence.append(f"port from the environment: {port[0] if port else started}")
    if documented:
        evidence.append(f"OpenAPI: {documented[0]}")
    return from_parts(
        {
            "address": (1 / 3, bool(address)),
            "port": (1 / 3, bool(port) or started is not None),
            "openapi": (1 / 3, bool(documented)),
        },
        evidence,
        "no service address or port from the environment, no OpenAPI description",
    )


ITEMS: tuple[Item, ...] = (reproducibility, configuration)
