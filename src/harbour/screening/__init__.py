"""Screening: ILO/EC operational indicators, the ILO forced-labour indicators and
Canadian legal elements, read by a pure engine.

`catalogue.py` loads the versioned knowledge files strictly; the `engine` package
evaluates answers against a loaded catalogue (the ILO/EC lists and the law-first
questions on the Criminal Code's own elements); `summary.py` gives other apps
whichever reading a case has. Neither imports Django: the Django parts of this
app (models, services, views) call them.
"""

from harbour.screening.catalogue import (
    Catalogue,
    CatalogueError,
    available_versions,
    load_catalogue,
)
from harbour.screening.engine import (
    Answer,
    AnswerValue,
    ElementStatus,
    Facts,
    LawFirstCode,
    LawFirstReading,
    NextEffect,
    Reading,
    ReadingCode,
    ScreeningInputError,
    evaluate,
    indicator_ids,
    indicator_info,
    next_questions,
)

__all__ = [
    "Answer",
    "AnswerValue",
    "Catalogue",
    "CatalogueError",
    "ElementStatus",
    "Facts",
    "LawFirstCode",
    "LawFirstReading",
    "NextEffect",
    "Reading",
    "ReadingCode",
    "ScreeningInputError",
    "available_versions",
    "evaluate",
    "indicator_ids",
    "indicator_info",
    "load_catalogue",
    "next_questions",
]
