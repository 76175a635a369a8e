"""Screening forms: starting an interview, its facts, and one step of questions.

A step is one dimension of an available indicator list that applies to the
person, or one section of the law-first questions. The forms only check what was
typed; what the answers mean is the engine's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from harbour.screening.catalogue import Catalogue, Dimension, Indicator, IndicatorList
from harbour.screening.documents import native_language_name
from harbour.screening.engine import Facts, plan_interview
from harbour.screening.engine.law_first import (
    LawFirstQuestionInfo,
    LawFirstSectionInfo,
    compile_law_first,
)
from harbour.screening.models import Answer, AnswerValue
from harbour.screening.services import INTERVIEW_LANGUAGES, AnswerInput

EVIDENCE_MAX_LENGTH = 5000
GIVEN_BY_MAX_LENGTH = 200
# The three prefixes of a step's field names; the rest of the name is the
# indicator id, so a posted id that is not on the page can be named in the error.
ANSWER, EVIDENCE, GIVEN_BY = "answer:", "evidence:", "given_by:"
SKIP = ""


# --- The steps of an interview ------------------------------------------------------------


@dataclass(frozen=True)
class LawFirstHeading:
    """What a law-first step shows where an ILO/EC step shows its list."""

    title: Any  # a bilingual text
    verified: bool
    verification_note: str | None


@dataclass(frozen=True)
class InterviewStep:
    """One page of the interview: a dimension of an ILO/EC list, or a section of
    the law-first questions. Both give a title and a description (`dimension`),
    a heading with its verification state (`indicator_list`) and the questions
    (`indicators`: each with id, label, question, help, grade or None, verified)."""

    number: int  # from 1
    indicator_list: IndicatorList | LawFirstHeading
    dimension: Dimension | LawFirstSectionInfo
    indicators: tuple[Indicator | LawFirstQuestionInfo, ...]
    law_first: bool = False

    @property
    def key(self) -> str:
        """`<list>.<dimension>` as the engine names a dimension; `law.<section>`."""
        if isinstance(self.dimension, LawFirstSectionInfo):
            return f"law.{self.dimension.id}"
        return f"{self.indicator_list.id}.{self.dimension.id}"  # type: ignore[union-attr]

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(indicator.id for indicator in self.indicators)


def interview_steps(catalogue: Catalogue, facts: Facts | None = None) -> list[InterviewStep]:
    """The interview for this person, as the engine's plan says: one step per
    dimension of each list that applies and is available, then one per law-first
    section. A list pending verification gives no step, and no other list is
    asked in its place (the plan's notices say so)."""
    plan = plan_interview(catalogue, facts or Facts())
    steps: list[InterviewStep] = []
    for indicator_list in catalogue.lists:
        if indicator_list.id not in plan.asked_lists:
            continue
        for dimension in indicator_list.dimensions:
            indicators = tuple(i for i in indicator_list.indicators if i.dimension == dimension.id)
            steps.append(InterviewStep(len(steps) + 1, indicator_list, dimension, indicators))
    law = compile_law_first(catalogue)
    path = catalogue.legal.law_first
    if law is not None and path is not None:
        heading = LawFirstHeading(path.title, path.verified, path.verification_note)
        questions = {q.id: q for q in law.questions}
        for section in law.sections:
            if section.id in plan.law_first_sections:
                asked = tuple(questions[i] for i in section.question_ids)
                steps.append(InterviewStep(len(steps) + 1, heading, section, asked, True))
    return steps


def anchor_for(indicator_id: str) -> str:
    """An HTML id for an indicator's question (ids hold dots, which CSS dislikes)."""
    return "q-" + indicator_id.replace(".", "-").replace("_", "-")


# --- Starting an interview, and its facts ----------------------------------------------------

TRI_STATE = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Don't know"))]
_AS_BOOL: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}


def tri_state(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def _language_choices() -> list[tuple[str, str]]:
    # Each language in its own name: the person being interviewed may read it.
    return [(code, native_language_name(code)) for code in INTERVIEW_LANGUAGES]


class FactsForm(forms.Form):
    under_18 = forms.ChoiceField(
        label=_("Is the person under 18?"),
        choices=TRI_STATE,
        initial="unknown",
        widget=forms.RadioSelect,
        help_text=_("Other indicator lists and legal elements apply to children."),
    )
    came_to_canada_from_abroad = forms.ChoiceField(
        label=_("Did the person come to Canada from abroad?"),
        choices=TRI_STATE,
        initial="unknown",
        widget=forms.RadioSelect,
        help_text=_("Some legal elements (IRPA s. 118) depend on it."),
    )
    sexual_exploitation = forms.ChoiceField(
        label=_("Was the person made to provide or offer sexual services?"),
        choices=TRI_STATE,
        initial="unknown",
        required=False,  # added after the first release: a form without it means unknown
        widget=forms.RadioSelect,
        help_text=_(
            "Chooses the indicator list that applies. Where that list is not yet "
            "available, the interview asks the law's own elements instead."
        ),
    )

    def facts(self) -> dict[str, bool | None]:
        return {
            "under_18": _AS_BOOL[self.cleaned_data["under_18"]],
            "came_to_canada_from_abroad": _AS_BOOL[self.cleaned_data["came_to_canada_from_abroad"]],
            "sexual_exploitation": _AS_BOOL[
                self.cleaned_data.get("sexual_exploitation") or "unknown"
            ],
        }


class StartForm(FactsForm):
    interview_language = forms.ChoiceField(
        label=_("Language of the interview"),
        choices=_language_choices,
        initial="en",
        widget=forms.RadioSelect,
        help_text=_(
            "The questions are shown in this language. Your own notes and the results "
            "stay in the language of your screen."
        ),
    )
    field_order = [
        "interview_language",
        "under_18",
        "came_to_canada_from_abroad",
        "sexual_exploitation",
    ]


# --- One step of questions -------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One indicator (or law-first question) on a step page, with its three fields."""

    indicator: Indicator | LawFirstQuestionInfo
    anchor: str
    answer: BoundField
    evidence: BoundField
    given_by: BoundField

    @property
    def has_details(self) -> bool:
        """Open the evidence disclosure when it already holds something."""
        return bool(self.evidence.value() or self.given_by.value() or self.evidence.errors)


def answer_choices() -> list[tuple[str, Any]]:
    return [*AnswerValue.choices, (SKIP, _("Skip for now"))]


class StepForm(forms.Form):
    """The questions of one dimension. Every question may be left unanswered."""

    def __init__(
        self,
        step: InterviewStep,
        data: Mapping[str, Any] | None = None,
        *,
        answers: Mapping[str, Answer] | None = None,
        disabled: bool = False,
    ) -> None:
        answers = answers or {}
        initial: dict[str, str] = {}
        for indicator_id in step.indicator_ids:
            given = answers.get(indicator_id)
            initial[ANSWER + indicator_id] = given.value if given else SKIP
            initial[EVIDENCE + indicator_id] = given.evidence if given else ""
            initial[GIVEN_BY + indicator_id] = given.given_by if given else ""
        super().__init__(data, initial=initial, auto_id="f-%s")
        self.step = step
        for indicator in step.indicators:
            self.fields[ANSWER + indicator.id] = forms.ChoiceField(
                label=indicator.label.en,
                choices=answer_choices,
                required=False,
                widget=forms.RadioSelect,
                disabled=disabled,
            )
            self.fields[EVIDENCE + indicator.id] = forms.CharField(
                label=_("Evidence note"),
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("What was said or seen that supports this answer."),
                disabled=disabled,
            )
            self.fields[GIVEN_BY + indicator.id] = forms.CharField(
                label=_("Who gave this information"),
                required=False,
                max_length=GIVEN_BY_MAX_LENGTH,
                help_text=_("For example: the person, a co-worker, a document you saw."),
                disabled=disabled,
            )

    def questions(self) -> list[Question]:
        return [
            Question(
                indicator,
                anchor_for(indicator.id),
                self[ANSWER + indicator.id],
                self[EVIDENCE + indicator.id],
                self[GIVEN_BY + indicator.id],
            )
            for indicator in self.step.indicators
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A posted question that is not on this page is refused as a whole: the
        # page the person saw did not ask it, so saving part of it would guess.
        on_page = set(self.step.indicator_ids)
        strangers = sorted(
            {
                name.split(":", 1)[1]
                for name in (self.data or {})
                if name.startswith((ANSWER, EVIDENCE, GIVEN_BY))
                and name.split(":", 1)[1] not in on_page
            }
        )
        if strangers:
            raise ValidationError(
                _("These questions are not on this page: %(ids)s. Nothing was saved."),
                code="unknown_indicator",
                params={"ids": ", ".join(strangers)},
            )
        for indicator_id in self.step.indicator_ids:
            note = (cleaned.get(EVIDENCE + indicator_id) or "").strip()
            source = (cleaned.get(GIVEN_BY + indicator_id) or "").strip()
            if (note or source) and not cleaned.get(ANSWER + indicator_id):
                self.add_error(
                    EVIDENCE + indicator_id,
                    _("Choose an answer to keep this note, or clear the note."),
                )
        return cleaned

    def answer_inputs(self) -> list[AnswerInput]:
        """Every question of the step; an empty value removes an earlier answer."""
        return [
            AnswerInput(
                indicator_id,
                self.cleaned_data.get(ANSWER + indicator_id) or SKIP,
                (self.cleaned_data.get(EVIDENCE + indicator_id) or "").strip(),
                (self.cleaned_data.get(GIVEN_BY + indicator_id) or "").strip(),
            )
            for indicator_id in self.step.indicator_ids
        ]
