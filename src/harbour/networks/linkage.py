"""Entity resolution over mentions: which employer, recruiter, place or phone is which.

A *mention* is one party named in one case (an employer, a recruiter, a housing
address, a worksite, a transporter). `link` gives every mention an entity id:
mentions with the same id are, by the evidence, the same party. Linkage runs per
role (an employer only ever links to an employer).

Two paths, chosen per role:

- **Model** (Splink, unsupervised): comparisons and blocking rules per role,
  u-probabilities from random sampling, m-probabilities by expectation
  maximisation, pairs kept at `match_probability >= threshold`, then clustered
  strongest link first, keeping apart groups whose strong keys conflict (so a
  bare name cannot chain two parties). Runs on DuckDB (default) or Spark
  (`engine="spark"`).
- **Deterministic** (exact normalised keys joined with union-find), for a role
  with fewer than `min_for_model` mentions: too few pairs to estimate anything
  (see docs/networks.md), or when training finds nothing to learn from.

No Django, no database of Harbour's: plain dataclasses in and out.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harbour.networks import blocking
from harbour.networks import normalise as n

ROLES = ("employer", "recruiter", "housing", "worksite", "transporter")
ENGINES = ("duckdb", "spark")
DEFAULT_THRESHOLD = 0.5
# Below this many mentions of a role the deterministic path runs (docs/networks.md).
MIN_FOR_MODEL = 500
FEATURES = (
    "name",
    "name_key",
    "name_last",
    "number_key",
    "phone",
    "address",
    "street_key",
    "civic",
    "unit",
    "postal",
    "city",
    "province",
)

Progress = Callable[[str], None]


class LinkageError(ValueError):
    """Input the engine cannot link (the message says what)."""


@dataclass(frozen=True)
class Mention:
    mention_id: str
    role: str
    name: str = ""
    phone: str = ""
    address: str = ""
    case_id: str = ""
    org: str = ""


@dataclass(frozen=True)
class Assignment:
    mention_id: str
    entity_id: str
    role: str
    # The strongest link from this mention into its entity; None when it stands alone.
    match_probability: float | None


@dataclass
class Linkage:
    assignments: list[Assignment]
    method: dict[str, str] = field(default_factory=dict)  # role -> "model" | "deterministic"
    pairs: dict[str, int] = field(default_factory=dict)  # role -> links kept


# --- features ----------------------------------------------------------------------

_BUSINESS_WORD_LIST = """
    agency agence services service staffing recruitment recrutement placement placements
    transport transports logistics consulting consultants farms farm ferme fermes group
    groupe international solutions enterprises entreprises trucking bus
"""
_BUSINESS_WORDS = frozenset(_BUSINESS_WORD_LIST.split())


@functools.lru_cache(maxsize=200_000)
def _name_features(role: str, raw: str) -> tuple[str, str]:
    """(normalised name, business number). Employers, housing and worksites are
    named as businesses; a recruiter or transporter may be a person or a business."""
    if not raw.strip():
        return "", ""
    business = n.business_name(raw)
    if role in ("employer", "housing", "worksite"):
        return business.name, business.number
    tokens = set(n.words(raw.replace("&", " and ")))
    if business.number or tokens & (n.LEGAL_SUFFIXES | _BUSINESS_WORDS | {"and", "et"}):
        return business.name, business.number
    return n.normalise_person_name(raw), ""


_phone = functools.lru_cache(maxsize=200_000)(n.normalise_phone)
_address = functools.lru_cache(maxsize=200_000)(n.address)


Row = tuple[str | None, ...]  # one value per FEATURES column; None when missing
COLUMN = {name: index for index, name in enumerate(FEATURES)}


def features(mention: Mention) -> dict[str, str | None]:
    """The normalised columns linkage compares; None for what is missing."""
    return dict(zip(FEATURES, _feature_row(mention), strict=True))


def _feature_row(mention: Mention) -> Row:
    name, number = _name_features(mention.role, mention.name or "")
    place = _address(mention.address or "")
    values = {
        "name": name,
        "name_key": " ".join(sorted(name.split())),
        "name_last": name.rsplit(" ", 1)[-1],
        "number_key": number,
        "phone": _phone(mention.phone or ""),
        "address": place.full,
        "street_key": place.street_key,
        "civic": place.civic,
        "unit": place.unit,
        "postal": place.postal,
        "city": place.city,
        "province": place.province,
    }
    return tuple(values[column] or None for column in FEATURES)


def _feature_rows(mentions: Sequence[Mention]) -> list[Row]:
    return [_feature_row(mention) for mention in mentions]


PARALLEL_FROM = 50_000  # mentions: below this, one process normalises faster


_PENDING: Sequence[Mention] = ()  # what forked workers normalise (inherited, not pickled)


def _feature_rows_between(bounds: tuple[int, int]) -> list[Row]:
    return _feature_rows(_PENDING[bounds[0] : bounds[1]])


def normalise_all(mentions: Sequence[Mention], workers: int | None = None) -> list[Row]:
    """Feature rows for every mention (in order), on every core for large inputs.

    Runs before any database engine starts, so that forking is safe; the workers
    inherit the mentions and send back only their rows."""
    global _PENDING
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(mentions) < PARALLEL_FROM:
        return _feature_rows(mentions)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = 25_000
    bounds = [(start, start + size) for start in range(0, len(mentions), size)]
    _PENDING = mentions
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return [row for part in pool.map(_feature_rows_between, bounds) for row in part]
    finally:
        _PENDING = ()


# --- the deterministic path ---------------------------------------------------------


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The smaller id becomes the root: entity ids do not depend on order.
            if root_b < root_a:
                root_a, root_b = root_b, root_a
            self.parent[root_b] = root_a


# Keys that, when equal, are taken as the same party without a model.
DETERMINISTIC_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "employer": (("number_key",), ("name_key",), ("phone",)),
    "recruiter": (("phone",), ("name_key", "address")),
    "transporter": (("phone",), ("name_key", "address")),
    "housing": (("address",), ("street_key", "postal"), ("name_key", "phone")),
    "worksite": (("address",), ("street_key", "postal"), ("name_key", "phone")),
}


def _deterministic_edges(
    role: str, ids: Sequence[str], rows: Sequence[Row]
) -> list[tuple[str, str, float]]:
    edges: list[tuple[str, str, float]] = []
    for key in DETERMINISTIC_KEYS[role]:
        first: dict[tuple[str, ...], str] = {}
        for mention_id, row in zip(ids, rows, strict=True):
            values = tuple(row[COLUMN[column]] or "" for column in key)
            if all(values):
                if values in first:
                    edges.append((first[values], mention_id, 1.0))
                else:
                    first[values] = mention_id
    return edges


# --- the model ---------------------------------------------------------------------


def _comparisons(role: str) -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def custom(column: str, *levels: Any) -> Any:
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[cll.NullLevel(column), *levels, cll.ElseLevel()],
        )

    comparisons = [
        custom(
            "name",
            cll.ExactMatchLevel("name_key"),
            cll.JaroWinklerLevel("name", 0.95),
            cll.ArrayIntersectLevel("name_words", 2),
            cll.JaroWinklerLevel("name", 0.88),
            # "J. Gómez" and "Josée Gómez Miller": a word in common.
            cll.ArrayIntersectLevel("name_words", 1),
        ),
        custom("phone", cll.ExactMatchLevel("phone")),
        custom(
            "street_key",
            cll.ExactMatchLevel("street_key"),
            cll.JaroWinklerLevel("street_key", 0.92),
        ),
        custom("unit", cll.ExactMatchLevel("unit")),
        custom(
            "postal",
            cll.ExactMatchLevel("postal"),
            cll.CustomLevel("substr(postal_l, 1, 3) = substr(postal_r, 1, 3)", "same area"),
        ),
        custom("city", cll.ExactMatchLevel("city")),
    ]
    if role == "employer":
        comparisons.append(custom("number_key", cll.ExactMatchLevel("number_key")))
    return comparisons


def _fill_untrained_m(levels: list[dict[str, Any]]) -> None:
    """A comparison EM could not train (every session that could gave up) gets
    cautious m-probabilities: 0.9 on its first, strictest level, the rest shared
    by the looser ones, so agreement counts and disagreement is not damning."""
    scored = [level for level in levels if not level.get("is_null_level")]
    if not scored or all(level.get("m_probability") is not None for level in scored):
        return
    if all(level.get("m_probability") is None for level in scored) and len(scored) > 1:
        scored[0]["m_probability"] = 0.9
        for level in scored[1:]:
            level["m_probability"] = 0.1 / (len(scored) - 1)
        return
    missing = [level for level in scored if level.get("m_probability") is None]
    spare = max(1e-6, 1 - sum(level.get("m_probability") or 0 for level in scored))
    for level in missing:
        level["m_probability"] = spare / len(missing)


def _unmix_u(model: dict[str, Any]) -> dict[str, Any]:
    """Take the matches out of the u-probabilities estimated by random sampling.

    Random pairs are a mixture: a share λ (the prior) are matches, which agree
    like matches do (m). With many mentions per party, as in small case sets, λ is
    not negligible and inflates u exactly where agreement matters (an exact name
    looks 10x commoner among strangers than it is). So u = (u_sampled − λ·m)/(1 − λ),
    floored at a twentieth of the sampled value and renormalised per comparison.
    """
    prior = float(model.get("probability_two_random_records_match") or 0)
    for comparison in model["comparisons"]:
        _fill_untrained_m(comparison["comparison_levels"])
    if not 0 < prior < 0.5:
        return model
    for comparison in model["comparisons"]:
        levels = [
            level
            for level in comparison["comparison_levels"]
            if not level.get("is_null_level") and level.get("u_probability") is not None
        ]
        for level in levels:
            u = float(level["u_probability"])
            m = float(level.get("m_probability") or 0)
            level["u_probability"] = max((u - prior * m) / (1 - prior), u / 20, 1e-9)
        total = sum(level["u_probability"] for level in levels)
        for level in levels:
            level["u_probability"] /= total
    return model


def spark_session(master: str | None = None, partitions: int | None = None) -> Any:
    """A Spark session with Splink's similarity functions.

    `HARBOUR_SPARK_MASTER` (default `local[*]`) says where it runs and
    `HARBOUR_SPARK_PARTITIONS` (default 8) how finely shuffles are split."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master = master or os.environ.get("HARBOUR_SPARK_MASTER", "local[*]")
    partitions = partitions or int(os.environ.get("HARBOUR_SPARK_PARTITIONS", "8"))
    session = (
        SparkSession.builder.master(master)
        .appName("harbour-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("HARBOUR_SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB's memory limit and spill folder, so that a large run spills to
    disk instead of taking the machine: `HARBOUR_LINK_MEMORY_GB` (default 3)
    and `HARBOUR_LINK_TEMP_DIR` (default a `harbour-link` folder in the
    system's temporary folder)."""
    raw = os.environ.get("HARBOUR_LINK_MEMORY_GB", "3")
    try:
        gigabytes = float(raw)
    except ValueError:
        gigabytes = 0.0
    if not 0 < gigabytes < 10_000:
        raise LinkageError(f"HARBOUR_LINK_MEMORY_GB must be a number of gigabytes, not {raw!r}")
    folder = os.environ.get("HARBOUR_LINK_TEMP_DIR") or os.path.join(
        tempfile.gettempdir(), "harbour-link"
    )
    return {"memory_limit": f"{gigabytes:g}GB", "temp_directory": folder}


def _db_api(engine: str, spark: Any) -> Any:
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        return DuckDBAPI(connection=duckdb.connect(config=dict(duckdb_config())))
    from splink import SparkAPI

    return SparkAPI(spark_session=spark or spark_session(), break_lineage_method="persist")


def _model_edges(
    role: str,
    ids: Sequence[str],
    rows: Sequence[Row],
    *,
    engine: str,
    threshold: float,
    spark: Any,
    progress: Progress,
) -> list[tuple[str, str, float]]:
    import pyarrow as pa
    from splink import Linker, SettingsCreator, block_on

    prediction = blocking.prediction_rules(role)
    prior_rules, em_rules = blocking.training_rules(role)
    plan = blocking.plan_blocking(
        [*prediction, *prior_rules, *em_rules],
        rows,
        _blocking_value,
        direct_rules=DETERMINISTIC_KEYS[role],
    )
    for note in plan.notes:
        progress(f"{role}: blocking on {note}")
    name_key = COLUMN["name_key"]
    table = pa.table(
        {
            "mention_id": list(ids),
            **{column: [row[index] for row in rows] for column, index in COLUMN.items()},
            "name_words": [(row[name_key] or "").split() or None for row in rows],
            **plan.columns,
        },
        schema=pa.schema(
            [
                ("mention_id", pa.string()),
                *((column, pa.string()) for column in FEATURES),
                ("name_words", pa.list_(pa.string())),
                *((column, pa.string()) for column in plan.columns),
            ]
        ),
    )

    def rules(of: list[blocking.Rule]) -> list[Any]:
        return [block_on(blocking.column_name(rule)) for rule in of]

    def sessions(of: list[blocking.Rule]) -> list[str]:
        # The rule names its own columns too (the same pairs: a key is only
        # kept where they agree), because Splink reads the columns of a
        # session's rule to know which comparisons that session cannot learn.
        return [
            " AND ".join(
                [f"l.{blocking.column_name(rule)} = r.{blocking.column_name(rule)}"]
                + [f"l.{column} = r.{column}" for column in rule]
            )
            for rule in of
        ]

    db_api = _db_api(engine, spark)
    data = db_api.register(table, dataset_display_name=f"mentions_{role}")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="mention_id",
        comparisons=_comparisons(role),
        blocking_rules_to_generate_predictions=rules(prediction),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=15,
    )
    linker = Linker(data, settings, log_level=logging.ERROR)
    progress(f"{role}: estimating the model ({len(ids):,} mentions)")
    try:
        linker.training.estimate_probability_two_random_records_match(
            rules(prior_rules), recall=0.7
        )
    except Exception:  # no pair meets the rules: keep the default prior
        progress(f"{role}: no pair agrees on the exact rules; using the default prior")
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    trained = 0
    for rule in sessions(em_rules):
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=2e6 if len(ids) > 100_000 else None
            )
            trained += 1
        except Exception as error:
            # No pair to train on (a column empty throughout), or EM drove an
            # m-probability below what a float holds (a level matches never show),
            # leaving the linker half-updated: go back to the model as it was and
            # keep what the other sessions learn.
            progress(f"{role}: one training session gave up ({str(error)[:80]})")
            linker = Linker(data, before, log_level=logging.ERROR)
    if not trained:
        raise LinkageError(f"{role}: no training session succeeded")
    linker = Linker(data, _unmix_u(linker.misc.save_model_to_json()), log_level=logging.ERROR)
    progress(f"{role}: scoring candidate pairs")
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    result = predictions.as_pyarrow_table()
    left = result.column("mention_id_l").to_pylist()
    right = result.column("mention_id_r").to_pylist()
    probability = result.column("match_probability").to_pylist()
    predictions.drop_table_from_database_and_remove_from_cache()
    direct = [(ids[first], ids[other], 1.0) for first, other in plan.direct]
    return [*zip(left, right, probability, strict=True), *direct]


def _blocking_value(row: Row, column: str) -> str | None:
    """A feature of a row for blocking; `name4` is the name's first four letters."""
    if column == "name4":
        name = row[COLUMN["name"]]
        return name[:4] if name else None
    value: str | None = row[COLUMN[column]]
    return value


# --- linking ------------------------------------------------------------------------


def _quiet_splink() -> None:
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)


def link(
    mentions: Sequence[Mention],
    *,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    min_for_model: int = MIN_FOR_MODEL,
    spark: Any = None,
    progress: Progress | None = None,
) -> Linkage:
    """Give every mention an entity id (`"<role>:<smallest mention id>"`)."""
    say = progress or (lambda message: None)
    if engine not in ENGINES:
        raise LinkageError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if not 0 < threshold <= 1:
        raise LinkageError(f"the threshold must be above 0 and at most 1, not {threshold}")
    if engine == "duckdb":
        duckdb_config()  # a bad setting is an error here, not a silent fallback later
    by_role: dict[str, list[Mention]] = defaultdict(list)
    seen: set[str] = set()
    for mention in mentions:
        if mention.role not in ROLES:
            raise LinkageError(f"mention {mention.mention_id}: unknown role {mention.role!r}")
        if mention.mention_id in seen:
            raise LinkageError(f"mention id {mention.mention_id} appears twice")
        seen.add(mention.mention_id)
        by_role[mention.role].append(mention)
    say(f"normalising {len(mentions):,} mentions")
    all_rows = normalise_all(mentions)
    row_of = {mention.mention_id: row for mention, row in zip(mentions, all_rows, strict=True)}
    _quiet_splink()
    if (
        engine == "spark"
        and spark is None
        and any(len(group) >= min_for_model for group in by_role.values())
    ):
        say("starting Spark")
        spark = spark_session()  # outside the fallback: no Java is an error, not a fallback
    result = Linkage(assignments=[])
    for role in ROLES:
        group = by_role.get(role, [])
        if not group:
            continue
        ids = [mention.mention_id for mention in group]
        rows = [row_of[mention_id] for mention_id in ids]
        edges: list[tuple[str, str, float]] | None = None
        if len(group) >= min_for_model:
            try:
                edges = _model_edges(
                    role, ids, rows, engine=engine, threshold=threshold, spark=spark, progress=say
                )
                result.method[role] = "model"
            except Exception as error:
                say(f"{role}: the model could not be trained ({error}); exact keys instead")
        if edges is None:
            edges = _deterministic_edges(role, ids, rows)
            result.method[role] = "deterministic"
        result.pairs[role] = len(edges)
        result.assignments.extend(_clusters(role, ids, rows, edges, threshold))
        say(f"{role}: {len(edges):,} links kept ({result.method[role]})")
    return result


# Strong keys: a party has one of each (its phone, its company number, its
# building). Two groups that each have one and share none are kept apart, even if
# a weaker mention (a name alone) links to both: that stops chaining.
EXCLUSIVE_KEYS = {
    "employer": ("number_key", "phone"),
    "recruiter": ("phone",),
    "transporter": ("phone",),
    "housing": ("street_key",),
    "worksite": ("street_key",),
}


def _near(a: str, b: str) -> bool:
    """At most one edit apart (substitution, insertion, deletion or swap)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    a_tail, b_tail = a[start:], b[start:]
    return (
        a_tail[1:] == b_tail[1:]
        or a_tail[1:] == b_tail
        or a_tail == b_tail[1:]
        or (a_tail[:2] == b_tail[:2][::-1] and a_tail[2:] == b_tail[2:])
    )


def _compatible(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """A shared key, or one typo apart (a street typed "Bathurit")."""
    if mine & theirs:
        return True
    return any(_near(a, b) for a in mine for b in theirs) if len(mine) * len(theirs) < 64 else False


def _clusters(
    role: str,
    ids: Sequence[str],
    rows: Sequence[Row],
    edges: Iterable[tuple[str, str, float]],
    threshold: float,
) -> list[Assignment]:
    """Greedy clustering: the strongest links first, each joining two groups
    unless their strong keys conflict (see EXCLUSIVE_KEYS). A link between two
    mentions that both carry the key was scored knowing they differ, so it may
    cross (a party with two phones); a link through a mention without it may not."""
    groups = _UnionFind(ids)
    keys = EXCLUSIVE_KEYS[role]
    positions = [COLUMN[key] for key in keys]
    held: dict[str, tuple[frozenset[str], ...]] = {}
    for mention_id, row in zip(ids, rows, strict=True):
        values = tuple(frozenset(v for v in (row[i],) if v) for i in positions)
        if any(values):
            held[mention_id] = values
    row_of = dict(zip(ids, rows, strict=True))
    best: dict[str, float] = {}
    kept = sorted((e for e in edges if e[2] >= threshold), key=lambda e: (-e[2], e[0], e[1]))
    for left, right, probability in kept:
        root_left, root_right = groups.find(left), groups.find(right)
        if root_left != root_right:
            mine, theirs = held.get(root_left), held.get(root_right)
            if mine and theirs:
                direct = row_of[left], row_of[right]
                if any(
                    a and b and not _compatible(a, b) and not (direct[0][i] and direct[1][i])
                    for i, a, b in zip(positions, mine, theirs, strict=True)
                ):
                    continue
                merged = tuple(a | b for a, b in zip(mine, theirs, strict=True))
            else:
                merged = mine or theirs or ()
            groups.union(left, right)
            root = groups.find(left)
            held.pop(root_left, None)
            held.pop(root_right, None)
            if merged:
                held[root] = merged
        for mention_id in (left, right):
            if probability > best.get(mention_id, -1.0):
                best[mention_id] = probability
    return [
        Assignment(mention_id, f"{role}:{groups.find(mention_id)}", role, best.get(mention_id))
        for mention_id in ids
    ]
