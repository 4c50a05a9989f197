"""The check-author API's reference page (``docs/reference/subjects.md``), from the docstrings.

Every public function and class of :mod:`sekit.subjects` (defined in its module, its name
without a leading underscore), with its signature as written in the source and its docstring;
a class with its public methods and properties. The modules come in :data:`ORDER`: the order in
which a check meets its subjects.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from typing import Any

ORDER = (
    "datasets",
    "tables",
    "types",
    "columns",
    "model",
    "model_files",
    "mlflow_models",
    "endpoint_model",
    "testset",
    "service",
    "servedlog",
    "feedback",
    "answers",
    "testrun",
)
_ROLE = re.compile(r":[a-z]+:`(~?)([^`]+)`")


def modules() -> list[Any]:
    """The modules of :mod:`sekit.subjects`, in :data:`ORDER`; an error for one not listed."""
    import sekit.subjects as package

    found = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    unlisted = sorted(set(found) - set(ORDER))
    if unlisted:
        raise ValueError(f"sekit.subjects modules missing from apidoc.ORDER: {unlisted}")
    return [importlib.import_module(f"sekit.subjects.{name}") for name in ORDER]


def public(module: Any) -> list[tuple[str, Any]]:
    """The module's own public functions and classes, in source order."""
    found = [
        (name, value)
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
    ]
    return sorted(found, key=lambda item: inspect.getsourcelines(item[1])[1])


def members(cls: type[Any]) -> list[tuple[str, Any]]:
    """A class's own public methods and properties, in source order."""
    found = [
        (name, value)
        for name, value in vars(cls).items()
        if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))
    ]
    return sorted(found, key=lambda item: inspect.getsourcelines(_function(item[1]))[1])


def markdown(text: str) -> str:
    """A docstring in Markdown: roles and double backquotes as code."""
    shown = _ROLE.sub(
        lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`", text
    )
    return shown.replace("``", "`")


def subjects() -> str:
    from sekit_cli.docs import HEADER

    out = [
        HEADER,
        "# Subjects: the check-author API\n",
        "What the checks look at, below the suites: the datasets, the model, the service, the "
        "served log and the feedback store. Every built-in suite reads them here, and so does "
        "a plugin ([write a suite](../howto/plugin.md)): `bundle_from_config(ctx)` for the "
        "datasets, `subject_from_config(ctx)` for the model. Each loader reads once per run "
        "and raises a one-line error that names the file and the config key. No module here "
        "imports pandas, numpy or scikit-learn until a loader runs.\n",
    ]
    for module in modules():
        out += [f"## `{module.__name__}`\n", markdown(inspect.getdoc(module) or "") + "\n"]
        for name, value in public(module):
            out += _entry(name, value, "###")
            if inspect.isclass(value):
                for member, attribute in members(value):
                    out += _entry(f"{name}.{member}", attribute, "####")
    return "\n".join(out)


def _entry(name: str, value: Any, level: str) -> list[str]:
    function = _function(value)
    if isinstance(value, property):
        returns = inspect.signature(function).return_annotation
        shown = f"{name}: {_annotation(returns)}  # property"
    elif dataclasses.is_dataclass(value):
        fields = [f for f in dataclasses.fields(value) if not f.name.startswith("_")]
        shown = f"@dataclass\nclass {name}:\n" + "".join(
            f"    {f.name}: {_annotation(f.type)}\n" for f in fields
        )
        shown = shown.rstrip("\n")
    elif inspect.isclass(value):
        bases = ", ".join(base.__name__ for base in value.__bases__ if base is not object)
        shown = f"class {name}({bases})" if bases else f"class {name}"
    else:
        shown = f"{name}{_signature(function)}"
    return [
        f"{level} `{name}`\n",
        f"```python\n{shown}\n```\n",
        markdown(inspect.getdoc(function) or "") + "\n",
    ]


def _signature(function: Any) -> str:
    """The signature as written in the source (annotations are text there)."""
    signature = inspect.signature(function)
    parts = []
    star = False
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = parameter.name
        if parameter.kind is parameter.VAR_POSITIONAL:
            text, star = f"*{text}", True
        elif parameter.kind is parameter.VAR_KEYWORD:
            text = f"**{text}"
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            spacer = " = " if parameter.annotation is not parameter.empty else "="
            text += f"{spacer}{parameter.default!r}"
        parts.append(text)
    returns = signature.return_annotation
    arrow = f" -> {_annotation(returns)}" if returns is not signature.empty else ""
    return f"({', '.join(parts)}){arrow}"


def _annotation(annotation: Any) -> str:
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _function(value: Any) -> Any:
    return value.fget if isinstance(value, property) else value
