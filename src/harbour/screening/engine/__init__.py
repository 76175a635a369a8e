"""The screening engine: answers in, an explained reading out.

Pure Python: no Django, no I/O, no clock. Given the same catalogue, answers and
facts it returns the same reading, whatever the order of the answers.

What it computes, each step explained in the result:

1. Each dimension of each available indicator list is positive or not by the
   published combination rule (kept in the catalogue: at least 2 strong; 1 strong
   with 1 medium or weak; 3 medium; 2 medium with 1 weak). Only "yes" counts;
   "no", "unknown" and "declined" never do.
2. Each list's rule (for adult labour: a recruitment dimension AND exploitative
   conditions AND coercion or abuse of vulnerability at destination). Only the
   lists for the person's age group can give a trafficking reading.
3. The ILO forced-labour indicators present, through Harbour's mapping.
4. One overall reading, by precedence: trafficking indicated; forced-labour
   indicators; exploitative conditions only; no indicator identified (every
   question answered "no"); otherwise not enough information. The wording never
   claims a legal finding.
5. Which legal elements the answers (and two facts: under 18, came to Canada from
   abroad) support, do not support, or leave unknown.
6. What to ask next: open indicators whose "yes" could change the reading, a
   dimension or a legal element, the most decisive first.

Speed: everything that depends only on the catalogue is precomputed once per
loaded catalogue (`_compile`, cached by catalogue identity): a full reading takes well
under a tenth of a millisecond (bench/bench_screening.py). Answers become bit
masks over the catalogue's indicators, so counting a dimension is a popcount and a
legal element is a mask intersection. The static parts of the output (indicator
texts, titles) are shared, immutable objects; the per-reading objects are plain
slotted dataclasses, because frozen dataclasses cost several times more to build
and a reading builds about a hundred of them. Treat a Reading as read-only.

The engine is split by what it does, each module readable on its own:
`data` (inputs and outputs), `compiled` (what a catalogue precomputes),
`evaluation` (the reading), `explain` (its sentences and notices), `ask_next`
(what to ask next), `law_first` (the Criminal Code's own elements, asked
directly, for any form of exploitation and any age) and `plan` (which lists
and which law-first sections an interview asks). This package re-exports the
public names, so `from harbour.screening.engine import evaluate` keeps working.
"""

from harbour.screening.engine.compiled import indicator_ids, indicator_info
from harbour.screening.engine.data import (
    ANSWER_VALUES,
    Answer,
    AnswersInput,
    AnswerValue,
    DimensionResult,
    ElementStatus,
    Facts,
    ForcedLabourResult,
    IndicatorInfo,
    LegalElementInfo,
    LegalElementResult,
    ListResult,
    NextEffect,
    NextQuestion,
    Reading,
    ReadingCode,
    RequirementResult,
    ScreeningInputError,
    Text,
    reading_precedence,
)
from harbour.screening.engine.evaluation import evaluate, next_questions
from harbour.screening.engine.law_first import (
    LawFirstCode,
    LawFirstElementResult,
    LawFirstReading,
    OffenceResult,
    evaluate_law_first,
)
from harbour.screening.engine.plan import InterviewPlan, plan_interview

__all__ = [
    "ANSWER_VALUES",
    "Answer",
    "AnswerValue",
    "AnswersInput",
    "DimensionResult",
    "ElementStatus",
    "Facts",
    "ForcedLabourResult",
    "IndicatorInfo",
    "InterviewPlan",
    "LawFirstCode",
    "LawFirstElementResult",
    "LawFirstReading",
    "LegalElementInfo",
    "LegalElementResult",
    "ListResult",
    "NextEffect",
    "NextQuestion",
    "OffenceResult",
    "Reading",
    "ReadingCode",
    "RequirementResult",
    "ScreeningInputError",
    "Text",
    "evaluate",
    "evaluate_law_first",
    "indicator_ids",
    "indicator_info",
    "next_questions",
    "plan_interview",
    "reading_precedence",
]
