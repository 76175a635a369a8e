"""Explaining a reading: the sentences that say which rule and which facts
produced it, the notices that go with it, and why each legal element has its
status. Memoised where the inputs are small, because a reading is made often."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from harbour.screening.engine.compiled import _Compiled
from harbour.screening.engine.data import (
    ElementStatus,
    ForcedLabourResult,
    ListResult,
    ReadingCode,
    Text,
)


def _join(words: list[str], conjunction: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _because_memo(
    c: _Compiled,
    code: ReadingCode,
    subject: str,
    positive: int,
    present: int,
    lists: tuple[ListResult, ...],
    forced_labour: tuple[ForcedLabourResult, ...],
) -> Text:
    """`_because` depends only on the code, the subject, which dimensions are
    positive and which forced-labour indicators are present (`positive` and
    `present`: bits of the dimensions' keys and of the forced-labour indicators'
    order); memoise on those."""
    key = (code, subject, positive, present)
    text = c.because.get(key)
    if text is None:
        text = _because(code, lists, forced_labour, subject)
        c.because[key] = text
    return text


def _met_requirement(label: str, met_by: list[str]) -> str:
    # "Exploitative conditions of work (Exploitative conditions of work)" says
    # nothing twice: name the dimensions only where they add to the label.
    return label if met_by == [label] else f"{label} ({', '.join(met_by)})"


def _because(
    code: ReadingCode,
    lists: tuple[ListResult, ...],
    forced_labour: tuple[ForcedLabourResult, ...],
    subject: str,
) -> Text:
    """Which rule and which facts produced the reading, in one sentence or two."""
    if code is ReadingCode.TRAFFICKING_INDICATED:
        en: list[str] = []
        fr: list[str] = []
        for lst in lists:
            if lst.applies and lst.rule_met:
                titles = {d.dimension_id: d.title for d in lst.dimensions}
                met_en = "; ".join(
                    _met_requirement(r.label.en, [titles[d].en for d in r.met_by])
                    for r in lst.requirements
                )
                met_fr = "; ".join(
                    _met_requirement(r.label.fr, [titles[d].fr for d in r.met_by])
                    for r in lst.requirements
                )
                en.append(f"Every requirement of “{lst.title.en}” is met: {met_en}.")
                fr.append(f"Toutes les exigences de « {lst.title.fr} » sont remplies : {met_fr}.")
        return Text(" ".join(en), " ".join(fr))
    if code is ReadingCode.FORCED_LABOUR_INDICATORS:
        means = [f for f in forced_labour if f.present and f.role == "means"]
        return Text(
            "Forced-labour indicators present: "
            + ", ".join(f.title.en for f in means)
            + ". No trafficking rule for this person's age group is met.",
            "Indicateurs du travail forcé présents : "
            + ", ".join(f.title.fr for f in means)
            + ". Aucune règle de traite pour le groupe d'âge de la personne n'est remplie.",
        )
    if code is ReadingCode.EXPLOITATIVE_CONDITIONS_ONLY:
        dims = [
            d for lst in lists for d in lst.dimensions if d.positive and d.kind == "exploitation"
        ]
        return Text(
            "Positive: "
            + ", ".join(f"“{d.title.en}”" for d in dims)
            + ". No forced-labour indicator of means (such as threats, debt, retained "
            "documents or deception) is present.",
            "Positive : "
            + ", ".join(f"« {d.title.fr} »" for d in dims)
            + ". Aucun indicateur de moyens du travail forcé (menaces, dette, documents "
            "retenus ou tromperie, par exemple) n'est présent.",
        )
    if code is ReadingCode.NO_INDICATORS_IDENTIFIED:
        return Text(
            "Every question of the available lists was answered no.",
            "Toutes les questions des listes disponibles ont reçu la réponse non.",
        )
    if not any(lst.applies and lst.status == "available" for lst in lists):
        return Text(
            f"No indicator list for this age group ({subject}) is available yet, and no "
            "forced-labour indicator or exploitative dimension is present.",
            "Aucune liste d'indicateurs pour ce groupe d'âge "
            f"({'enfant' if subject == 'child' else 'adulte'}) n'est encore disponible, et "
            "aucun indicateur du travail forcé ni dimension d'exploitation n'est présent.",
        )
    return Text(
        "No rule is met by the answers recorded, and some questions are still open.",
        "Aucune règle n'est remplie par les réponses inscrites, et certaines questions "
        "restent ouvertes.",
    )


_CHILD_NOTICE = Text(
    "For a person under 18, the child lists apply; their rule is expected not to require the "
    "means (deception, coercion, abuse of vulnerability). The child lists are pending "
    "verification in this catalogue, so no trafficking reading can be given; the adult list "
    "is shown for information only.",
    "Pour une personne de moins de 18 ans, ce sont les listes pour enfants qui s'appliquent; "
    "leur règle ne devrait pas exiger les moyens (tromperie, contrainte, abus de "
    "vulnérabilité). Ces listes sont en attente de vérification dans ce catalogue : aucune "
    "lecture de traite ne peut donc être donnée; la liste pour adultes est présentée à titre "
    "indicatif seulement.",
)
_AGE_UNKNOWN_NOTICE = Text(
    "The person's age is not recorded, so the adult lists are used. If the person is under "
    "18, record it: other lists and rules apply.",
    "L'âge de la personne n'est pas inscrit; les listes pour adultes sont donc utilisées. Si "
    "la personne a moins de 18 ans, inscrivez-le : d'autres listes et règles s'appliquent.",
)


def _notices(c: _Compiled, under_18: bool | None) -> tuple[Text, ...]:
    cached = c.notices.get(under_18)
    if cached is not None:
        return cached
    subject = "child" if under_18 is True else "adult"
    notices: list[Text] = []
    if under_18 is None:
        notices.append(_AGE_UNKNOWN_NOTICE)
    pending = [lst for lst in c.lists if lst.subject == subject and not lst.available]
    if subject == "child" and not any(lst.available for lst in c.lists if lst.subject == "child"):
        notices.append(_CHILD_NOTICE)
    for lst in pending:
        notices.append(
            Text(
                f"The list “{lst.title.en}” is pending verification in catalogue "
                f"{c.versions[0]}: it has no indicators yet, so it cannot contribute to "
                "this reading.",
                f"La liste « {lst.title.fr} » est en attente de vérification dans le "
                f"catalogue {c.versions[0]} : elle ne compte encore aucun indicateur et ne "
                "peut donc pas contribuer à cette lecture.",
            )
        )
    notices.extend(c.notices_base)
    result = tuple(notices)
    c.notices[under_18] = result
    return result


@dataclass(frozen=True, slots=True)
class _FactWording:
    true: Text  # "the person is under 18"
    false: Text  # "the person is recorded as 18 or older"


_FACT_TEXT = {
    "under_18": _FactWording(
        Text("the person is under 18", "la personne a moins de 18 ans"),
        Text(
            "the person is recorded as 18 or older",
            "la personne est inscrite comme ayant 18 ans ou plus",
        ),
    ),
    "came_to_canada_from_abroad": _FactWording(
        Text(
            "the person came to Canada from abroad",
            "la personne est venue au Canada de l'étranger",
        ),
        Text(
            "the person is recorded as not having come to Canada from abroad",
            "la personne est inscrite comme n'étant pas venue au Canada de l'étranger",
        ),
    ),
}


@functools.lru_cache(maxsize=1024)
def _element_reason(
    fact: str | None, fact_value: bool | None, has_indicators: bool, n_yes: int, n_open: int
) -> tuple[ElementStatus, Text]:
    """Status and explanation of a legal element; small arguments, so memoised."""
    wording = _FACT_TEXT[fact] if fact is not None else None
    if wording is not None and fact_value is False:
        return ElementStatus.NOT_SUPPORTED, Text(
            f"Not supported: {wording.false.en}.", f"Non appuyé : {wording.false.fr}."
        )
    because = Text("", "")
    indicator_status = ElementStatus.SUPPORTED
    if has_indicators:
        if n_yes:
            because = Text(
                f"{n_yes} supporting indicator(s) answered yes",
                f"{n_yes} indicateur(s) à l'appui ont reçu la réponse oui",
            )
        elif not n_open:
            return ElementStatus.NOT_SUPPORTED, Text(
                "Not supported by the answers recorded: every supporting indicator was "
                "answered no.",
                "Non appuyé par les réponses inscrites : chaque indicateur à l'appui a reçu "
                "la réponse non.",
            )
        else:
            indicator_status = ElementStatus.UNKNOWN
            because = Text(
                f"{n_open} supporting indicator(s) without an answer yet",
                f"{n_open} indicateur(s) à l'appui encore sans réponse",
            )
    if wording is not None:
        if fact_value is None:
            return ElementStatus.UNKNOWN, Text(
                f"Unknown: depends on whether {wording.true.en}, which is not recorded"
                + (f" ({because.en})." if because.en else "."),
                f"Inconnu : dépend de la question de savoir si {wording.true.fr}, ce qui "
                "n'est pas inscrit" + (f" ({because.fr})." if because.fr else "."),
            )
        if indicator_status is ElementStatus.SUPPORTED:
            return ElementStatus.SUPPORTED, Text(
                f"Supported: {wording.true.en}" + (f", and {because.en}." if because.en else "."),
                f"Appuyé : {wording.true.fr}" + (f", et {because.fr}." if because.fr else "."),
            )
    if indicator_status is ElementStatus.SUPPORTED:
        return ElementStatus.SUPPORTED, Text(f"Supported: {because.en}.", f"Appuyé : {because.fr}.")
    return ElementStatus.UNKNOWN, Text(f"Unknown: {because.en}.", f"Inconnu : {because.fr}.")
