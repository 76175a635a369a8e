"""Protect: from a person's facts, every protection and recourse open to them.

`rules` loads the dated pathway files (`knowledge/pathways/*.yaml`) strictly;
`engine` evaluates them on a person's `Facts` as of a day, without Django or I/O.
"""

from harbour.pathways.engine import (
    CriterionResult,
    Facts,
    FactsError,
    NextFact,
    Outcome,
    PathwayResult,
    Result,
    Status,
    Text,
    evaluate,
)
from harbour.pathways.rules import FACT_NAMES, FACT_SPECS, Pathway, load_pathways

__all__ = [
    "FACT_NAMES",
    "FACT_SPECS",
    "CriterionResult",
    "Facts",
    "FactsError",
    "NextFact",
    "Outcome",
    "Pathway",
    "PathwayResult",
    "Result",
    "Status",
    "Text",
    "evaluate",
    "load_pathways",
]
