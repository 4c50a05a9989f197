"""The functions of Go templates and Sprig that :mod:`sekit.grade.gotemplate` evaluates, and
the value that stands for what only Helm could know (:data:`UNKNOWN`)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

MAX_ITEMS = 1_000  # items ``until`` makes (a template written to loop without end stops)


class _Unknown:
    """A value sekit cannot know without running Helm."""

    def __str__(self) -> str:
        return "helm"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def truthy(value: Any) -> bool:
    return bool(value) if value is not None else False


def printed(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping | list):
        return "map[...]" if isinstance(value, Mapping) else "[...]"
    return str(value)


def _yaml(value: Any) -> str:
    import yaml

    if value is UNKNOWN:
        return "helm"
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True).rstrip("\n")


def _indent(spaces: int, text: Any) -> str:
    pad = " " * int(spaces)
    return "\n".join(pad + line for line in printed(text).split("\n"))


def _default(fallback: Any, value: Any = None) -> Any:
    return value if truthy(value) else fallback


def _printf(pattern: str, *args: Any) -> str:
    if any(a is UNKNOWN for a in args):
        return "helm"
    values = iter(args)
    return re.sub(r"%[-+ #0]*\d*(?:\.\d+)?[sdvqf]", lambda _: printed(next(values, "")), pattern)


def _compare(op: Callable[[Any, Any], bool]) -> Callable[..., Any]:
    def compare(left: Any, right: Any) -> Any:
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return op(left, right)

    return compare


def _index(collection: Any, *keys: Any) -> Any:
    """Go's ``index``: a map's value by key, a list's item by position (nothing when absent)."""
    for key in keys:
        if collection is UNKNOWN or key is UNKNOWN:
            return UNKNOWN
        if isinstance(collection, Mapping):
            collection = collection.get(printed(key))
        elif isinstance(collection, list) and str(key).lstrip("-").isdigit():
            position = int(key)
            collection = (
                collection[position] if -len(collection) <= position < len(collection) else None
            )
        else:
            return None
    return collection


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "default": _default,
    "index": _index,
    "get": lambda m, k: _index(m, k) if isinstance(m, Mapping) else UNKNOWN,
    "quote": lambda *v: " ".join(json.dumps(printed(x)) for x in v),
    "squote": lambda *v: " ".join(f"'{printed(x)}'" for x in v),
    "upper": lambda v: printed(v).upper(),
    "lower": lambda v: printed(v).lower(),
    "title": lambda v: printed(v).title(),
    "toString": printed,
    "int": lambda v: int(float(v)),
    "int64": lambda v: int(float(v)),
    "float64": float,
    "toYaml": _yaml,
    "toJson": lambda v: json.dumps(v, sort_keys=True),
    "indent": _indent,
    "nindent": lambda n, text: "\n" + _indent(n, text),
    "trunc": lambda n, v: printed(v)[: int(n)] if int(n) >= 0 else printed(v)[int(n) :],
    "trimSuffix": lambda suffix, v: printed(v).removesuffix(suffix),
    "trimPrefix": lambda prefix, v: printed(v).removeprefix(prefix),
    "trim": lambda v: printed(v).strip(),
    "replace": lambda old, new, v: printed(v).replace(old, new),
    "printf": _printf,
    "print": lambda *v: "".join(printed(x) for x in v),
    "b64enc": lambda v: base64.b64encode(printed(v).encode()).decode(),
    "contains": lambda part, whole: part in printed(whole),
    "hasPrefix": lambda part, whole: printed(whole).startswith(part),
    "eq": _compare(lambda a, b: a == b),
    "ne": _compare(lambda a, b: a != b),
    "lt": _compare(lambda a, b: a < b),
    "gt": _compare(lambda a, b: a > b),
    "le": _compare(lambda a, b: a <= b),
    "ge": _compare(lambda a, b: a >= b),
    "not": lambda v: UNKNOWN if v is UNKNOWN else not truthy(v),
    "and": lambda *v: UNKNOWN if UNKNOWN in v else all(truthy(x) for x in v),
    "or": lambda *v: next((x for x in v if x is UNKNOWN or truthy(x)), v[-1] if v else None),
    "empty": lambda v: UNKNOWN if v is UNKNOWN else not truthy(v),
    "hasKey": lambda m, k: k in m if isinstance(m, Mapping) else UNKNOWN,
    "list": lambda *v: list(v),
    "until": lambda n: list(range(min(int(n), MAX_ITEMS))),
    "len": len,
    "join": lambda sep, v: sep.join(printed(x) for x in v),
    "add": lambda *v: sum(int(x) for x in v),
    "sub": lambda a, b: int(a) - int(b),
    "mul": lambda a, b: int(a) * int(b),
    "ternary": lambda yes, no, test: yes if truthy(test) else no,
    "lookup": lambda *_: {},
}
