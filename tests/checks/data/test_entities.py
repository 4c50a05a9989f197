"""``data.entities``: repeated measurements of the same entities are one finding that explains
grouped splitting, never copies or leaked rows; a declared [data].group is checked exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GroupShuffleSplit, train_test_split

import sekit.data
from tests.checks.data.faults import LABEL, Fault, Frames


def patients_seen_again(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    """Sixty training patients come back twice (the same measurements, a new outcome half
    the time): a second visit lands in train, a third in test, as a random split of visits
    would put them."""
    rng = np.random.default_rng(5)
    again = train.sample(n=60, random_state=1)
    second = again.assign(**{LABEL: np.where(rng.random(60) < 0.5, 1 - again[LABEL], again[LABEL])})
    third = again.assign(**{LABEL: np.where(rng.random(60) < 0.5, 1 - again[LABEL], again[LABEL])})
    return (
        pd.concat([train, second], ignore_index=True),
        pd.concat([test, third], ignore_index=True),
    )


# found, not declared: a warning (only a declared group blocks)
FAULT_CASES = [Fault("patients_seen_again", patients_seen_again, "repeated_entities", None, "warn")]


def randhie() -> pd.DataFrame:
    """The RAND Health Insurance Experiment (statsmodels ships it): 20,190 person-years, the
    same person's insurance and health measures in every year, doctor visits as the label."""
    import statsmodels.api as sm

    return sm.datasets.randhie.load_pandas().data


def grunfeld() -> pd.DataFrame:
    """Grunfeld's investment data (statsmodels): eleven firms, twenty years each."""
    import statsmodels.api as sm

    return sm.datasets.grunfeld.load_pandas().data


def check(
    train: pd.DataFrame, test: pd.DataFrame, label: str, **kw: object
) -> sekit.data.DataReport:
    return sekit.data.check(
        train.reset_index(drop=True),
        test.reset_index(drop=True),
        label=label,
        task="regression",
        **kw,  # type: ignore[arg-type]
    )


def test_panel_data_split_at_random_is_one_repeated_entities_finding() -> None:
    """Before: duplicate_rows ("copies") and label_leakage ("51% of test rows appear in
    training") on every split. Now one finding that names the cause and the fix: a warning,
    since sekit found the entities (a declared group blocks)."""
    frame = randhie()
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    report = check(train, test, "mdvis")
    assert report.passed, [f.message for f in report.findings(severity="fail")]
    [found] = report.findings("repeated_entities", severity="warn")
    assert found.evidence["share"] > 0.5
    assert "GroupShuffleSplit" in found.message and "[data].group" in found.message
    assert "not copies" in found.message
    assert report.findings("duplicate_rows", severity="warn") == []


def test_panel_data_split_by_entity_passes() -> None:
    frame = randhie()
    person = pd.util.hash_pandas_object(frame.drop(columns=["mdvis"]), index=False)
    fit, held = next(
        GroupShuffleSplit(1, test_size=0.3, random_state=0).split(frame, groups=person)
    )
    report = check(frame.iloc[fit], frame.iloc[held], "mdvis")
    assert report.passed, [f.message for f in report.findings(severity="fail")]
    [info] = report.findings("repeated_entities")
    assert info.severity.value == "info" and "the split is grouped" in info.message


def test_a_declared_group_is_checked_on_both_kinds_of_split() -> None:
    """Grunfeld's firms: nothing repeats exactly (every year differs), so only a declared
    group shows that a random split puts each firm on both sides; split by firm, it passes,
    and drift is tested on one row per firm (eleven firms are not 220 independent draws)."""
    frame = grunfeld()
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    undeclared = check(train, test, "invest")
    assert undeclared.passed  # an entity sekit found warns, never blocks
    [hint] = undeclared.findings("repeated_entities", severity="warn")
    assert hint.evidence["by"] == "firm" and "[data].group = 'firm'" in hint.message
    report = check(train, test, "invest", group="firm")
    [found] = report.findings("repeated_entities", severity="fail")
    assert found.evidence["shared_entities"] == 11 and found.evidence["declared"] == "firm"
    for seed in range(5):
        fit, held = next(
            GroupShuffleSplit(1, test_size=0.3, random_state=seed).split(
                frame, groups=frame["firm"]
            )
        )
        grouped = check(frame.iloc[fit], frame.iloc[held], "invest", group="firm")
        assert grouped.passed, [f.message for f in grouped.findings(severity="fail")]


def test_copies_made_by_an_ingest_are_still_copies() -> None:
    """Rows copied with their label (an ingest that ran twice) are not entities."""
    from tests.checks.data.faults import clean_frames

    train, test = clean_frames()
    doubled = pd.concat([train, train.sample(frac=0.2, random_state=0)], ignore_index=True)
    report = sekit.data.check(doubled, test, label=LABEL)
    assert report.findings("duplicate_rows", severity="fail")
    assert report.findings("repeated_entities") == []


def test_repeats_within_a_declared_group_are_not_copies_but_across_groups_they_are() -> None:
    from tests.checks.data.faults import clean_frames

    train, test = clean_frames()
    train = train.assign(patient=np.arange(len(train)))
    test = test.assign(patient=np.arange(len(train), len(train) + len(test)))
    again = train.sample(n=80, random_state=2)
    within = pd.concat([train, again], ignore_index=True)  # the same patients, measured again
    report = sekit.data.check(within, test, label=LABEL, group="patient")
    assert report.findings("duplicate_rows", severity="fail") == []
    assert report.passed
    across = pd.concat(
        [train, again.assign(patient=again["patient"] + 10_000)], ignore_index=True
    )  # the same rows under other patients' names: copies, certain (equal down to
    # measurements no other record holds)
    report = sekit.data.check(across, test, label=LABEL, group="patient")
    [copied] = report.findings("duplicate_rows", severity="fail")
    assert copied.evidence["count"] == 80


def test_a_group_column_that_is_not_there_exits_2_naming_the_key(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sekit_cli.app import cli
    from tests.checks.data.faults import clean_frames

    train, test = clean_frames()
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)
    (tmp_path / "sekit.toml").write_text(
        '[project]\nname = "p"\n[data]\ntrain = "train.csv"\ntest = "test.csv"\n'
        f'label = "{LABEL}"\ngroup = "patinet"\n'
    )
    outcome = CliRunner().invoke(cli, ["check", "data", "--config", str(tmp_path / "sekit.toml")])
    assert outcome.exit_code == 2, outcome.output
    assert "data.group" in outcome.output and "'patinet'" in outcome.output
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("seed", range(3))
def test_a_random_split_of_data_without_entities_has_none(seed: int) -> None:
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True).frame
    train, test = train_test_split(frame, test_size=0.3, random_state=seed)
    report = check(train, test, "target")
    assert report.result("data.entities").metrics["repeated_entity_rows"] == 0


@pytest.mark.parametrize("name", ["patient_id", "state", "code"])
def test_a_column_names_an_entity_by_what_its_rows_share_not_by_its_name(name: str) -> None:
    """Rows of one value that share their other features (a person's sex and height, a
    firm's sector) make the column an entity, whatever it is called; a column whose rows share
    nothing else is not one, even when it is called patient_id."""
    from sekit.checks.data.candidates import candidates
    from sekit.subjects.datasets import DataBundle, Dataset

    rng = np.random.default_rng(0)
    ids = np.repeat(np.arange(60), 5)
    person = pd.DataFrame({"sex": rng.choice(["f", "m"], 60), "height": rng.normal(170, 9, 60)})
    frame = pd.DataFrame(
        {
            name: ids,
            "sex": person["sex"].to_numpy()[ids],
            "height": np.round(person["height"].to_numpy()[ids] + rng.normal(0, 0.5, 300), 1),
            "x": rng.normal(size=300),
            "y": rng.integers(0, 2, 300),
        }
    )
    [found] = candidates(DataBundle(train=Dataset("train", frame, "t"), label="y"))
    assert found.column == name and found.sharing > 0.4
    unrelated = frame.assign(**{name: rng.permutation(ids)})  # the same values, nothing shared
    assert candidates(DataBundle(train=Dataset("train", unrelated, "t"), label="y")) == []
