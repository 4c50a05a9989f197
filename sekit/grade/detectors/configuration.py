"""The services configured from their environment: where the model service is (a variable,
not a host name in the code), the port a service listens on, and an OpenAPI description of
the endpoints."""

from __future__ import annotations

import re

from sekit.grade.detectors import dockerfile
from sekit.grade.detectors.common import Outcome, from_parts, non_test
from sekit.grade.repository import Repository

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
