"""The check-author API's reference page documents every public name of :mod:`sekit.subjects`."""

from __future__ import annotations

import inspect

import pytest

from sekit_cli import apidoc


def documented() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for module in apidoc.modules():
        found.append((module.__name__, module))
        for name, value in apidoc.public(module):
            found.append((f"{module.__name__}.{name}", value))
            if inspect.isclass(value):
                found += [
                    (f"{module.__name__}.{name}.{member}", apidoc._function(attribute))
                    for member, attribute in apidoc.members(value)
                ]
    return found


@pytest.mark.parametrize(
    ("name", "value"), documented(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_public_name_has_its_own_docstring(name: str, value: object) -> None:
    text = inspect.getdoc(value) or ""
    generated = inspect.isclass(value) and text.startswith(f"{value.__name__}(")  # a dataclass's
    assert text and not generated, f"{name} has no docstring: the reference page shows it empty"


def test_a_module_left_out_of_the_order_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apidoc, "ORDER", apidoc.ORDER[1:])
    with pytest.raises(ValueError, match="datasets"):
        apidoc.modules()


def test_roles_become_code() -> None:
    text = "a :class:`~sekit.subjects.datasets.DataBundle` of :mod:`sekit.data`, ``x``"
    assert apidoc.markdown(text) == "a `DataBundle` of `sekit.data`, `x`"


def test_the_page_names_each_module() -> None:
    page = apidoc.subjects()
    for module in apidoc.ORDER:
        assert f"## `sekit.subjects.{module}`" in page
