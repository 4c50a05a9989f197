"""Options every command shares, so they are spelled and documented the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

RESULT_FORMATS = ("table", "json", "markdown")


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=None,
        metavar="PATH",
        help="Config file or project folder (default: sekit.toml, else [tool.sekit] in "
        "pyproject.toml, searched upward from here).",
    )(func)


def quiet_option(func: F) -> F:
    return click.option(
        "--quiet", "-q", is_flag=True, help="Print only errors and the final result."
    )(func)


def format_option(
    *choices: str, default: str = "table", help: str = "Output format."
) -> Callable[[F], F]:
    """``--format`` (into ``fmt``): one of ``choices`` (default: :data:`RESULT_FORMATS`)."""

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices or RESULT_FORMATS),
            default=default,
            show_default=True,
            help=help,
        )(func)

    return decorate


def suite_options(func: F) -> F:
    """Every installed suite's own options (:class:`sekit.checks.suite.SuiteOptions`), as
    click options: ``log: Path | None`` is ``--log PATH``, a bool a flag, a Literal a choice,
    an int with bounds a range. Suites that declare the same option share it (``--fault``:
    the load suite's model faults and the endpoint suite's 429s and time-outs are one
    choice); :func:`sekit.runner.run_options` hands each value to the suites that accept it."""
    import typing

    from sekit.checks import suites

    declared: dict[str, list[tuple[str, Any]]] = {}
    for each in suites().values():
        if each.options is not None:
            for name, info in each.options.model_fields.items():
                declared.setdefault(name, []).append((each.name, info))
    made = func
    for name, owners in reversed(list(declared.items())):
        info = owners[0][1]
        params = _click_type(name, info)
        if len(owners) > 1:
            kinds = [_unoptional(other.annotation) for _, other in owners]
            if all(typing.get_origin(kind) is typing.Literal for kind in kinds):
                choices = [str(value) for kind in kinds for value in typing.get_args(kind)]
                params["type"] = click.Choice(list(dict.fromkeys(choices)))
            elif any(kind != kinds[0] for kind in kinds):
                raise TypeError(
                    f"suite option {name!r}: {', '.join(s for s, _ in owners)} declare it "
                    "with different types"
                )
            params["help"] = " ".join(f"{s}: {o.description}" for s, o in owners)
        made = click.option(f"--{name.replace('_', '-')}", name, **params)(made)
    return made


def _unoptional(annotation: Any) -> Any:
    import typing
    from types import NoneType, UnionType

    if typing.get_origin(annotation) in (typing.Union, UnionType):
        return next(arg for arg in typing.get_args(annotation) if arg is not NoneType)
    return annotation


def _click_type(name: str, info: Any) -> dict[str, Any]:
    import typing

    import annotated_types

    kind = _unoptional(info.annotation)
    default = info.get_default(call_default_factory=True)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    made: dict[str, Any] = {"default": default, "help": info.description}
    if "metavar" in extra:
        made["metavar"] = extra["metavar"]
    if kind is bool:
        return {**made, "is_flag": True}
    if typing.get_origin(kind) is typing.Literal:
        return {**made, "type": click.Choice([str(v) for v in typing.get_args(kind)])}
    if kind is Path:
        return {**made, "type": click.Path(dir_okay=False, path_type=Path)}
    bounds: dict[str, Any] = {"min": None, "max": None}
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["min"] = item.ge
        elif isinstance(item, annotated_types.Le):
            bounds["max"] = item.le
    show = default is not None
    if kind is int:
        return {**made, "type": click.IntRange(**bounds), "show_default": show}
    if kind is str:
        return {**made, "type": str, "show_default": show}
    raise TypeError(f"suite option {name!r}: sekit cannot offer a {kind!r} on the command line")
