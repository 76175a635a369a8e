"""Which lists and which law-first sections an interview asks, and why.

The person's age group and the form of exploitation choose the ILO/European
Commission list that applies. When that list is available its questions are
asked; when it is pending verification (adult sexual exploitation, both child
lists, as the catalogue says) it is never replaced silently by another list: the
plan says which list applies, that it is pending, and the law-first path (the
Criminal Code's own elements, s. 279.011 for a child) carries the reading. The
law-first path is part of every interview made with a legal file that has one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from harbour.screening.catalogue import Catalogue
from harbour.screening.engine.data import Facts, Text
from harbour.screening.engine.law_first import compile_law_first


@dataclass(frozen=True, slots=True)
class InterviewPlan:
    subject: str  # "adult" or "child"
    form: str  # "labour" or "sexual": the form whose list applies
    applicable_lists: tuple[str, ...]  # the lists for this age group and form
    asked_lists: tuple[str, ...]  # those of them that are available: their questions are asked
    pending_lists: tuple[str, ...]  # those pending verification: no questions yet
    law_first_sections: tuple[str, ...]  # law-first sections asked, in order
    path: str  # "ilo_list" when an applicable list is available, else "law_first"
    notices: tuple[Text, ...]

    @property
    def law_first(self) -> bool:
        return bool(self.law_first_sections)


_AGE_UNKNOWN = Text(
    "The person's age is not recorded, so the lists for adults are used. If the person is "
    "under 18, record it: the child list and s. 279.011 of the Criminal Code apply.",
    "L'âge de la personne n'est pas inscrit; les listes pour adultes sont donc utilisées. Si "
    "la personne a moins de 18 ans, inscrivez-le : la liste pour enfants et l'art. 279.011 du "
    "Code criminel s'appliquent.",
)
_CHILD_LAW = Text(
    "For a person under 18, the Criminal Code's s. 279.011 applies: the same acts and purpose "
    "as s. 279.01, and no consent to the activity is valid (s. 279.011(2)). The law-first "
    "questions are asked with that section.",
    "Pour une personne de moins de 18 ans, l'art. 279.011 du Code criminel s'applique : les "
    "mêmes actes et le même but qu'à l'art. 279.01, et aucun consentement à l'activité n'est "
    "valable (par. 279.011(2)). Les questions fondées sur la loi sont posées avec cet article.",
)
_SEXUAL_UNKNOWN = Text(
    "Whether the person was made to provide sexual services is not recorded, so the labour "
    "list is used. If they were, record it: the sexual-exploitation list applies.",
    "Il n'est pas inscrit si la personne a été amenée à fournir des services sexuels; la liste "
    "sur le travail est donc utilisée. Si c'est le cas, inscrivez-le : la liste sur "
    "l'exploitation sexuelle s'applique.",
)


@functools.lru_cache(maxsize=256)
def plan_interview(catalogue: Catalogue, facts: Facts) -> InterviewPlan:
    """The plan for this person (cached: the facts and the catalogue are immutable)."""
    subject = "child" if facts.under_18 is True else "adult"
    form = "sexual" if facts.sexual_exploitation is True else "labour"
    applicable = [lst for lst in catalogue.lists if lst.subject == subject and lst.form == form]
    asked = tuple(lst.id for lst in applicable if lst.available)
    pending = [lst for lst in applicable if not lst.available]
    lf = compile_law_first(catalogue)
    sections: tuple[str, ...] = ()
    if lf is not None:
        sections = tuple(
            s.id
            for s in lf.sections
            if s.skip_when_false is None or getattr(facts, s.skip_when_false) is not False
        )
    notices: list[Text] = []
    if facts.under_18 is None:
        notices.append(_AGE_UNKNOWN)
    if facts.sexual_exploitation is None and not pending:
        notices.append(_SEXUAL_UNKNOWN)
    for lst in pending:
        if sections:
            then = Text(
                "The interview does not ask another list in its place: the law-first "
                "questions (the Criminal Code's own elements) give the reading.",
                "L'entretien ne pose pas une autre liste à sa place : les questions fondées "
                "sur la loi (les éléments du Code criminel lui-même) donnent la lecture.",
            )
        else:
            then = Text(
                "This catalogue has no law-first questions, so no reading can be given.",
                "Ce catalogue n'a pas de questions fondées sur la loi; aucune lecture ne peut "
                "donc être donnée.",
            )
        # The list's own verification note (what is missing and why) is shown with
        # the list on the result page; here one sentence says what it means.
        notices.append(
            Text(
                f"The list that applies is “{lst.title.en}”. It is pending verification in "
                f"catalogue {catalogue.version}: its indicators are not yet checked against "
                f"the ILO/European Commission publication, so it has no questions. {then.en}",
                f"La liste qui s'applique est « {lst.title.fr} ». Elle est en attente de "
                f"vérification dans le catalogue {catalogue.version} : ses indicateurs ne "
                "sont pas encore vérifiés par rapport à la publication de l'OIT et de la "
                f"Commission européenne; elle n'a donc pas de questions. {then.fr}",
            )
        )
    if subject == "child" and sections:
        notices.append(_CHILD_LAW)
    return InterviewPlan(
        subject=subject,
        form=form,
        applicable_lists=tuple(lst.id for lst in applicable),
        asked_lists=asked,
        pending_lists=tuple(lst.id for lst in pending),
        law_first_sections=sections,
        path="ilo_list" if asked else "law_first",
        notices=tuple(notices),
    )


__all__ = ["InterviewPlan", "plan_interview"]
