"""Find, read and validate the config: one function, :func:`load_config`.

Every problem becomes a :class:`~sekit.errors.ConfigError` whose lines each name the file, the
key path and what was expected, e.g. ``sekit.toml: gates.model.acuracy: ...``. Unknown keys get a
"did you mean" suggestion.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sekit.config.schema import Config, assembled
from sekit.errors import ConfigError, did_you_mean

CONFIG_NAME = "sekit.toml"
PYPROJECT = "pyproject.toml"


def find_config(start: Path | None = None) -> Path:
    """The nearest ``sekit.toml`` (or ``pyproject.toml`` with ``[tool.sekit]``) upward."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_sekit(pyproject):
            return pyproject
    raise ConfigError(
        f"no {CONFIG_NAME} (or [tool.sekit] in {PYPROJECT}) in {here} or any folder above it",
        hint="run `sekit new NAME` to start a project, or pass --config PATH",
    )


def _has_tool_sekit(path: Path) -> bool:
    try:
        return "sekit" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


_assembled: dict[int, type[Config]] = {}


def config_model() -> type[Config]:
    """The config's model: :class:`Config` with the tables every installed suite registers."""
    from sekit.checks import suites

    found = suites()
    if id(found) not in _assembled:
        _assembled.clear()
        _assembled[id(found)] = assembled([t for s in found.values() for t in s.table_models()])
    return _assembled[id(found)]


def load_config(path: Path | str | None = None, *, cwd: Path | None = None) -> Config:
    """Load and validate the config at ``path`` (a file or a project folder), or find it.

    Relative paths inside the config resolve against the config file's folder.
    """
    source = _locate(path, cwd)
    raw, prefix = _read(source)
    try:
        config = config_model().model_validate(raw, context={"root": source.parent})
    except ValidationError as exc:
        raise ConfigError(_problems(exc, _display(source, cwd), prefix)) from None
    return config.located(root=source.parent, source=source)


def _locate(path: Path | str | None, cwd: Path | None) -> Path:
    if path is None:
        return find_config(cwd)
    given = Path(path)
    if not given.is_absolute():
        given = (cwd or Path.cwd()) / given
    if given.is_dir():
        for name in (CONFIG_NAME, PYPROJECT):
            if (given / name).is_file():
                return (given / name).resolve()
        raise ConfigError(
            f"{path}: no {CONFIG_NAME} or {PYPROJECT} in this folder",
            hint="pass the config file itself, or run `sekit new`",
        )
    if not given.exists():
        raise ConfigError(
            f"{path}: config file not found",
            hint="check the --config path, or run `sekit new NAME`",
        )
    return given.resolve()


def _read(source: Path) -> tuple[dict[str, Any], str]:
    name = source.name
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read the config ({exc.strerror})") from None
    if b"\x00" in data:
        raise ConfigError(f"{source}: not a text file; a TOML config is expected")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{source}: not valid UTF-8 (byte {exc.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise ConfigError(
            f"{source}: the config is empty",
            hint="start from `sekit new NAME`; `sekit config schema` lists the keys",
        )
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from None
    if not parsed:
        raise ConfigError(
            f"{source}: the config has no keys or tables",
            hint="start from `sekit new NAME`; `sekit config schema` lists the keys",
        )
    if name == PYPROJECT:
        tool = parsed.get("tool", {})
        if not isinstance(tool, dict) or "sekit" not in tool:
            raise ConfigError(
                f"{source}: no [tool.sekit] table", hint=f"add one, or use a separate {CONFIG_NAME}"
            )
        section = tool["sekit"]
        if not isinstance(section, dict):
            raise ConfigError(f"{source}: tool.sekit: expected a table")
        package = parsed.get("project")
        package_name = package.get("name") if isinstance(package, dict) else None
        if "project" not in section and isinstance(package_name, str):
            section = {"project": {"name": package_name}, **section}  # pyproject's own name
        return section, "tool.sekit."
    return parsed, ""


def _display(source: Path, cwd: Path | None) -> str:
    try:
        return str(source.relative_to((cwd or Path.cwd()).resolve()))
    except ValueError:
        return str(source)


# --- turning pydantic's errors into one line each ----------------------------------------------


def _problems(exc: ValidationError, source: str, prefix: str) -> list[str]:
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        key = prefix + _key_path(loc)
        message = _explain(error, loc)
        line = f"{source}: {key}: {message}" if key else f"{source}: {message}"
        if line not in lines:
            lines.append(line)
    return lines


def _clean_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """Drop pydantic's union tags (``behaviour.0.directional.expect`` -> ``behaviour.0.expect``)."""
    tags = {"invariance", "directional", "minimum", "template", "edit"}
    cleaned: list[int | str] = []
    for i, part in enumerate(loc):
        if (
            part in tags
            and i > 0
            and isinstance(loc[i - 1], int)
            and cleaned
            and cleaned[0] == "behaviour"
        ):
            continue
        if isinstance(part, str) and (part.startswith("function-") or part == "[key]"):
            continue  # pydantic's validator wrappers and its marker for dict keys
        cleaned.append(part)
    return tuple(cleaned)


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "." in part:
            out += f'."{part}"' if out else f'"{part}"'
        else:
            out += f".{part}" if out else part
    return out


_TYPE_WORDS = {
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "list_type": "expected a list [ ... ]",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
}


def _explain(error: Any, loc: tuple[int | str, ...]) -> str:
    kind = error["type"]
    got = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown key{_suggest(loc)}"
    if kind == "missing":
        return "required key is missing"
    if kind == "finite_number":
        return f"expected a finite number, got {got!r}: inf or nan would switch the check off"
    if kind in ("literal_error", "enum"):
        return f"expected {ctx.get('expected', 'one of the allowed values')}, got {got!r}"
    if kind == "union_tag_invalid":
        return (
            f"unknown kind {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
            + _did_you_mean(
                str(ctx.get("tag")), ["invariance", "directional", "minimum", "template", "edit"]
            )
        )
    if kind == "union_tag_not_found":
        return (
            'each [[behaviour]] needs kind = "invariance", "directional", "minimum", '
            '"template" or "edit"'
        )
    if kind in _TYPE_WORDS:
        return f"{_TYPE_WORDS[kind]}, got {_show(got)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        word = {
            "greater_than": "greater than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        shown = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return f"must be {word} {shown}, got {got!r}"
    if kind == "string_pattern_mismatch":
        return f"{got!r} does not have the expected form ({ctx.get('pattern')})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _did_you_mean(word: str, options: list[str]) -> str:
    suggestion = did_you_mean(word, options)
    return f" ({suggestion})" if suggestion else ""


def _suggest(loc: tuple[int | str, ...]) -> str:
    """'did you mean' for an unknown key, from the fields of the table it sits in."""
    if not loc:
        return ""
    *parent, key = loc
    fields = _fields_at(tuple(parent))
    if not fields:
        return ""
    return _did_you_mean(str(key), fields) or f"; expected one of: {', '.join(fields)}"


def _fields_at(path: tuple[int | str, ...]) -> list[str]:
    """The keys valid in the table at ``path``, found by walking the schema's annotations."""
    types: list[Any] = [config_model()]
    for part in path:
        types = [t for tp in types for t in _step(tp, part)]
    return sorted({name for tp in types for model in _models(tp) for name in model.model_fields})


def _models(tp: Any) -> list[type[BaseModel]]:
    """The models a (possibly optional, annotated or union) type stands for."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    origin = get_origin(tp)
    if origin is Annotated:
        return _models(get_args(tp)[0])
    if origin in (Union, UnionType):
        return [m for arg in get_args(tp) for m in _models(arg)]
    return []


def _step(tp: Any, part: int | str) -> list[Any]:
    """The types one step below ``tp`` along ``part`` (a key or an index)."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _step(get_args(tp)[0], part)
    if origin in (Union, UnionType):
        return [t for arg in get_args(tp) for t in _step(arg, part)]
    if origin is dict:
        return [get_args(tp)[1]]
    if origin is list:
        return [get_args(tp)[0]]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part))
        return [field.annotation] if field is not None else []
    return []
