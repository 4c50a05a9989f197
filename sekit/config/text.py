"""Behaviour tests of text models (CheckList's three kinds): ``[model.text]`` tunes the ones
that run without configuration (invariance to edits, robustness, determinism);
``[[behaviour]]`` adds templates (minimum functionality) and edits with an expected answer
(directional expectations)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from sekit.config.values import Section

EditName = Literal["case", "whitespace", "punctuation", "typos", "names"]
EDITS: tuple[EditName, ...] = ("case", "whitespace", "punctuation", "typos", "names")
TOLERANCE: dict[EditName, float] = {"typos": 0.1}  # a typo may change the answer of some texts


class TextBehaviour(Section):
    """``[model.text]``: the behaviour tests a text model gets without configuration."""

    invariance: list[EditName] = Field(
        default_factory=lambda: list(EDITS),
        description="edits that must not change the answer",
    )
    tolerance: dict[EditName, float] = Field(
        default_factory=lambda: dict(TOLERANCE),
        description="share of edited texts that may change their answer (default 0: none), "
        "judged with a one-sided binomial test at p_value",
    )
    texts: int = Field(
        60, ge=5, le=5000, description="test texts each invariance and determinism test edits"
    )
    robustness: int = Field(
        30,
        ge=0,
        le=1000,
        description="Hypothesis examples of generated texts (each a batch) that must all get a "
        "valid answer",
    )
    trials: int = Field(
        1,
        ge=1,
        le=100,
        description="times each input is asked; above 1 (or at a temperature above 0) each "
        "property is a rate with an interval: pass above the required rate, fail below, "
        "flaky between",
    )
    p_value: float = Field(
        0.01,
        gt=0,
        lt=1,
        description="level of the tests with a tolerance; a rate's interval covers 1 - 2 "
        "p_value (each side a one-sided test at p_value)",
    )


class Template(Section):
    """A template filled with every combination of its words; each must get ``expect``."""

    kind: Literal["template"] = Field(description="minimum functionality from a template")
    template: str = Field(min_length=1, description='e.g. "The {thing} was {good}."')
    fill: dict[str, list[str]] = Field(description="the words for each {slot}")
    expect: str = Field(min_length=1, description="the answer every filled template must get")
    min_accuracy: float = Field(1.0, ge=0, le=1, description="share that must be right")
    name: str | None = Field(None, description="a name for the test in the report")

    @model_validator(mode="after")
    def _slots_filled(self) -> Self:
        import string

        slots = {name for _, name, _, _ in string.Formatter().parse(self.template) if name}
        missing = sorted(slots - set(self.fill))
        if missing:
            raise ValueError(f"the template's slot {{{missing[0]}}} has no words in fill")
        return self


class Edit(Section):
    """An edit of the test texts with the answer it must give (``expect``: a label, ``same``,
    or ``not:<label>``)."""

    kind: Literal["edit"] = Field(description="a directional expectation on edited texts")
    append: str | None = Field(None, description="text added at the end")
    prepend: str | None = Field(None, description="text added at the start")
    expect: str = Field(
        min_length=1, description='the answer after the edit: a label, "same", or "not:<label>"'
    )
    tolerance: float = Field(
        0.0, ge=0, lt=1, description="share of edited texts that may miss the expectation"
    )
    name: str | None = Field(None, description="a name for the test in the report")

    @model_validator(mode="after")
    def _an_edit(self) -> Self:
        if self.append is None and self.prepend is None:
            raise ValueError("an edit needs append or prepend")
        return self
