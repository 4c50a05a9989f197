"""``repeated_entities``: the same people, firms or patients measured more than once.

Panel data (a person interviewed every year), repeated visits, several images of one patient:
the rows are not copies, they are repeated measurements of one *entity*. Nothing is wrong with
the data, but a random split puts the same entity in train and in test, and the test score then
measures how well the model remembers people it has seen. The fix is a grouped split (every
entity on one side; scikit-learn's ``GroupShuffleSplit``), and ``[data].group`` names the
column that identifies the entity so that sekit checks it.

**Declared** (``[data].group``): every test row whose entity also has rows in train is counted;
above ``[data.leakage].max_overlap`` (1%) of the test set that fails, any at all warns, none
is a grouped split (info). Rows that repeat a row of the *same* entity are not copies
(``data.duplicates``) nor conflicting labels (``data.conflicting_labels``).

**Found** (no group declared): an entity shows as a feature vector (the label left out) that
repeats far beyond chance (:mod:`.chance`) with *different labels* among its rows: copies made
by a faulty ingest carry the label along, a person measured in two years does not. The data
holds repeated entities when at least ``MIN_GROUPS`` such patterns repeat with varying labels,
they are at least ``MIN_VARYING`` of the patterns repeated beyond chance, and the rows of
those patterns are at least ``MIN_ROWS_SHARE`` of the training rows (a few records with two
labels are ``conflicting_labels``, whose message names both readings). Then those rows
are reported here, once, instead of as copied rows, leaked test rows and conflicting labels;
with a test set, test rows that repeat a training entity fail above ``max_overlap``. (A copy
made by a faulty ingest inside such data is then not told apart from a repeated measurement.)

**Named by a column** (neither declared nor found from repeats): a feature whose values
repeat over rows that share much else (:mod:`.candidates`: a firm's code, a county, a
restaurant's name), whatever it is called. Its rows are judged as a declared group's are.

Only a declared group blocks (it is the team's own statement, and the split breaks it); an
entity sekit found warns, with how often that warning is raised on clean real tables
(:mod:`.measured`), and asks for the group to be declared.

Drift between train and test is tested on one row per entity (:func:`one_per_entity`): rows of
one entity are not independent draws, and a grouped split of ten firms would otherwise be
"drift" in every split.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sekit.checks.data import measured
from sekit.checks.data.candidates import candidates
from sekit.checks.findings import example_rows, finding, outcome, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, default, on, share
from sekit.config.data import Leakage
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import DataBundle, Dataset, bundle_from_config

if TYPE_CHECKING:
    import pandas as pd

MIN_GROUPS = 5  # patterns repeated beyond chance with varying labels, at least
MIN_VARYING = 0.2  # and at least this share of the patterns repeated beyond chance
MIN_ROWS_SHARE = 0.2  # and their rows at least this share of the training rows


@dataclass(frozen=True)
class Entities:
    """Who each row is, where the data has repeated entities."""

    declared: str | None  # the [data].group column
    by: str | None  # the column that names the entity (declared or found), None: repeats
    keys: dict[str, pd.Series]  # per role (train, test): an entity key per row, NA = none
    groups: int  # entities with more than one row in train
    rows: int  # train rows of those entities
    varying: int  # of those entities, how many carry more than one label

    def key(self, role: str) -> pd.Series | None:
        return self.keys.get(role)

    def repeats_within(self, role: str, hashes: pd.Series) -> pd.Series:
        """Rows (of ``hashes``, a row hash per row) that repeat an earlier row of the same
        entity: repeated measurements, not copies."""
        import pandas as pd

        key = self.keys.get(role)
        if key is None:
            return pd.Series(False, index=hashes.index)
        pairs = pd.DataFrame({"k": key.to_numpy(), "h": hashes.to_numpy()}, index=hashes.index)
        return pairs.duplicated() & pairs["k"].notna()

    def in_entity(self, role: str) -> pd.Series | None:
        """Rows that have an entity (all of them, where the data has repeated entities)."""
        key = self.keys.get(role)
        return None if key is None else key.notna()


def entities(bundle: DataBundle) -> Entities | None:
    """The data's repeated entities (cached per run), or None when it has none: declared,
    else found from repeated feature vectors, else from a column that names them
    (:mod:`.candidates`)."""
    if "entities" not in bundle._cache:
        found: Entities | None
        if bundle.group is not None:
            found = _by_column(bundle, bundle.group, declared=True)
        else:
            found = _found(bundle)
            named = candidates(bundle) if found is None else []
            if named:
                found = _by_column(bundle, named[0].column, declared=False)
        bundle._cache["entities"] = found
    cached: Entities | None = bundle._cache["entities"]
    return cached


def entity_columns(bundle: DataBundle) -> set[str]:
    """The features found to name an entity (:mod:`.candidates`)."""
    return {c.column for c in candidates(bundle)}


def _by_column(bundle: DataBundle, column: str, *, declared: bool) -> Entities:
    keys: dict[str, pd.Series] = {}
    for dataset in (d for d in (bundle.train, bundle.test) if d is not None):
        if column in dataset.frame.columns:
            keys[dataset.role] = dataset.frame[column].astype("string")
    train = keys["train"]
    sizes = train.value_counts()
    repeated = sizes[sizes > 1]
    varying = 0
    if bundle.label is not None and len(repeated):
        labels = bundle.train.frame[bundle.label].groupby(train.to_numpy()).nunique()
        varying = int((labels.reindex(repeated.index) > 1).sum())
    return Entities(
        column if declared else None, column, keys, len(repeated), int(repeated.sum()), varying
    )


def _found(bundle: DataBundle) -> Entities | None:
    import pandas as pd

    from sekit.checks.data.repeats import split_by_chance

    label = bundle.label
    if label is None or label not in bundle.train.frame.columns:
        return None  # without a label, a repeated entity cannot be told from a copy
    features = bundle.features
    if not features:
        return None
    hashes = bundle.row_hashes("train", features)
    beyond, _ = split_by_chance(bundle, bundle.train, features, hashes)
    patterns = pd.unique(hashes[beyond].to_numpy())
    if len(patterns) < MIN_GROUPS:
        return None
    mine = hashes.isin(patterns)
    labels = bundle.train.frame.loc[mine, label]
    per_pattern = labels.groupby(hashes[mine].to_numpy()).nunique(dropna=False)
    varying = int((per_pattern > 1).sum())
    if (
        varying < MIN_GROUPS
        or varying < MIN_VARYING * len(patterns)
        or int(mine.sum()) < MIN_ROWS_SHARE * len(hashes)
    ):
        return None  # a few records with two labels are conflicting_labels
    # In data made of repeated entities, every feature vector is an entity (the rows that
    # repeat one by chance are counted with it: the same split by feature vector keeps them
    # apart too).
    keys = {"train": hashes.astype("string")}
    if bundle.test is not None and all(c in bundle.test.frame.columns for c in features):
        keys["test"] = bundle.row_hashes("test", features).astype("string")
    sizes = hashes.value_counts()
    several = sizes[sizes > 1]
    return Entities(None, None, keys, len(several), int(several.sum()), varying)


def one_per_entity(bundle: DataBundle, role: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per entity (a seeded random pick), or the frame as it is without entities.

    Rows of one entity are not independent: a test that counts each of them as a draw of its
    own (a drift test between train and test) sees as many observations as rows where there
    are as many as entities, and calls the difference between a few firms drift."""
    import numpy as np

    found = entities(bundle)
    key = found.key(role) if found is not None else None
    if key is None:
        return frame
    key = key.reindex(frame.index)
    order = np.random.default_rng(0).permutation(len(frame))
    picked = frame.iloc[order][~key.iloc[order].duplicated().to_numpy() | key.iloc[order].isna()]
    return picked.sort_index()


def check_entities(bundle: DataBundle) -> Outcome:
    found = entities(bundle)
    if found is None:
        return outcome(
            [],
            "no repeated entities (set [data].group where rows share one)",
            {"repeated_entity_rows": 0.0},
        )
    metrics: dict[str, float] = {
        "entities": float(found.groups),
        "repeated_entity_rows": float(found.rows),
    }
    findings = [_overlap(bundle, found, metrics)] if bundle.test is not None else []
    if not findings:
        findings.append(_only_in_train(bundle, found))
    return outcome(findings, worst_summary(findings, ""), metrics)


def _who(found: Entities, bundle: DataBundle) -> str:
    if found.declared is not None:
        return f"{found.groups:,} entities of {found.declared!r} have several rows in train"
    if found.by is not None:
        named = next(c for c in candidates(bundle) if c.column == found.by)
        why = (
            f"each has its rows on different {named.occasions!r}"
            if named.occasions is not None
            else f"rows of one {found.by!r} are alike in the other columns (sharing "
            f"{named.sharing:.2f}, against at most {max(named.shuffled, 0):.2f} with its values "
            "shuffled)"
        )
        return (
            f"{found.by!r} names an entity: {found.groups:,} of its values have several "
            f"training rows, and {why}: repeated measurements, not copies"
        )
    return (
        f"{found.rows:,} training rows share {found.groups:,} feature vectors, and "
        f"{found.varying:,} vectors repeat far beyond chance with different {bundle.label!r} "
        "values: repeated measurements of the same entities (people, firms, patients), not "
        "copies"
    )


def _overlap(bundle: DataBundle, found: Entities, metrics: dict[str, float]) -> Finding:
    assert bundle.test is not None
    train, test = found.key("train"), found.key("test")
    limit = bundle.leakage.max_overlap
    if train is None or test is None:
        return _only_in_train(bundle, found)
    shared = test.isin(set(train.dropna())) & test.notna()
    count = int(shared.sum())
    share = count / len(test) if len(test) else 0.0
    metrics["test_rows_of_training_entities"] = share
    how = (
        f"declare it: [data].group = {found.declared!r}"
        if found.declared is not None
        else f"split by it (scikit-learn's GroupShuffleSplit) and declare [data].group = "
        f"{found.by!r} so that sekit checks the split"
        if found.by is not None
        else "split by entity (scikit-learn's GroupShuffleSplit on the column that names it or, "
        "where there is none, on the repeated feature vector) and declare that column as "
        '[data].group = "column" so that sekit checks the split'
    )
    if count == 0:
        return finding(
            REPEATED_ENTITIES,
            "info",
            f"{_who(found, bundle)}; no test row belongs to an entity in train: the split is "
            "grouped"
            + ("" if found.declared else ' (declare [data].group = "column" to keep it checked)'),
            entities=found.groups,
            rows=found.rows,
            declared=found.declared,
        )
    entities_shared = int(test[shared].nunique())
    declared = found.declared is not None
    return finding(
        REPEATED_ENTITIES,
        "fail" if declared and share > limit else "warn",
        f"{bundle.test.source}: {count:,} test rows ({percent(share)}) belong to "
        f"{entities_shared:,} entities that are also in train ({_who(found, bundle)}): the "
        "split is not grouped, so the test score measures how well the model remembers them; "
        + how
        + (f" (limit {percent(limit)})" if declared else measured.note("found_entities")),
        count=count,
        share=share,
        shared_entities=entities_shared,
        entities=found.groups,
        varying=found.varying,
        rows=example_rows(shared.reset_index(drop=True)),
        declared=found.declared,
        by=found.by,
    )


def _only_in_train(bundle: DataBundle, found: Entities) -> Finding:
    return finding(
        REPEATED_ENTITIES,
        "info",
        f"{_who(found, bundle)}: evaluate on a grouped split (every entity on one side)"
        + ("" if found.declared else ' and declare [data].group = "column"'),
        entities=found.groups,
        rows=found.rows,
        declared=found.declared,
    )


def repeats_of_entities(bundle: DataBundle, dataset: Dataset, hashes: pd.Series) -> pd.Series:
    """Rows that repeat an earlier row of their own entity (all False without entities)."""
    import pandas as pd

    found = entities(bundle)
    if found is None or dataset.role not in found.keys:
        return pd.Series(False, index=hashes.index)
    if found.by is None:
        member = found.in_entity(dataset.role)
        assert member is not None
        return member & hashes.duplicated()
    return found.repeats_within(dataset.role, hashes)


# --- declarations ----------------------------------------------------------------------

REPEATED_ENTITIES = Kind(
    "repeated_entities",
    "the same entity (a person, a firm, a patient) measured in several rows",
    (
        "Repeated measurements are not copies and the data is not wrong, but a random split puts "
        "the same entity in train and in test: the test score then measures how well the model "
        "remembers entities it has seen, not how it does on new ones."
    ),
    (
        "Which column names the entity (a person id, a firm, a patient)? If there is none, the "
        "identical feature vectors are the entities. Are train and test split by it?"
    ),
    (
        "Split by group (scikit-learn's GroupShuffleSplit or GroupKFold) so that every entity "
        'is on one side, and declare the column as [data].group = "column": sekit then checks '
        "that no entity is on both sides."
    ),
    trust=measured.trust(
        "found_entities",
        "A declared group is counted exactly and blocks above [data.leakage].max_overlap. "
        "Entities sekit finds warn: a column whose rows share much else (their other features "
        "far more alike than rows of different values, and more than in 19 shuffles of the "
        "column), or feature vectors repeated far beyond chance with different labels.",
    ),
)
TEST_ROWS_OF_TRAINING_ENTITIES = Metric(
    "data.test_rows_of_training_entities",
    "share of test rows whose entity also has rows in train",
    "The entities of [data].group, or the repeated feature vectors found.",
    "Above 0 the split is not grouped; the test score overstates the model on new entities.",
    "Split by group.",
    gate="max = 0",
)

ENTITIES_CHECK = CheckSpec(
    id="data.entities",
    title="repeated entities are split by group",
    func=on(bundle_from_config, check_entities),
    emits="`repeated_entities`: test rows of entities that are also in train; declared "
    "with `[data].group`: fail above `[data.leakage].max_overlap` "
    f"({share(default(Leakage, 'max_overlap'))}), warn below; found "
    "(a column whose rows share much else, or feature vectors repeated beyond chance with "
    "varying labels): warn; info when the split is grouped",
    kinds=(REPEATED_ENTITIES,),
    metrics=(TEST_ROWS_OF_TRAINING_ENTITIES,),
    section=("[data.leakage]", Leakage),
    settings=("[data].group", "[data.leakage].max_overlap"),
)
