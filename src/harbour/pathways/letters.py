"""Support letters: editable Word drafts for the trafficking TRP and the open work
permit for vulnerable workers.

A letter is built from the navigator's result for the case (criteria, the rules
in force, benefits and fees, with their sources) and, when the case has one,
the latest completed screening's evidence summary. Like the evidence summary,
the draft names the case by its reference only: the person's legal name, date of
birth and client number are left as bracketed blanks for the caseworker to fill
in the word processor, so a copy left in a downloads folder identifies nobody.
Anything the facts do not establish is a bracketed "to confirm" line, never a
claim; and a criterion is stated as a fact only when every fact it rests on was
stated by the person or is shown by a document. What comes from Harbour's own
records, a screening or an assumption by staff is listed to confirm, with where
it came from.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override as language_override

from harbour.cases.models import Case
from harbour.pathways import engine
from harbour.pathways.facts import fact_label, provenance_label
from harbour.screening.documents import (
    EvidenceSummary,
    docx_bytes,
    facts_table,
    muted,
    new_document,
)
from harbour.screening.templatetags.screening_text import in_language


@dataclass(frozen=True)
class LetterKind:
    slug: str
    pathway_id: str
    name: Promise
    subject: Promise
    request: Promise
    addressee: Promise


LETTERS: dict[str, LetterKind] = {
    kind.slug: kind
    for kind in (
        LetterKind(
            slug="vtip-trp",
            pathway_id="vtip_trp",
            name=gettext_lazy(
                "Support letter: temporary resident permit for a victim of trafficking"
            ),
            subject=gettext_lazy(
                "Request for a temporary resident permit for a victim of trafficking in persons"
            ),
            request=gettext_lazy(
                "We support the request that the person named above be issued a temporary "
                "resident permit as a victim of trafficking in persons (Immigration and Refugee "
                "Protection Act, s. 24(1), and IRCC's instructions on victims of human "
                "trafficking). As those instructions provide, the person is not required to "
                "testify against a trafficker, or to help the police, to be considered."
            ),
            addressee=gettext_lazy(
                "Immigration, Refugees and Citizenship Canada — officer responsible for "
                "temporary resident permits for victims of trafficking in persons"
            ),
        ),
        LetterKind(
            slug="owp-vulnerable-workers",
            pathway_id="owp_vulnerable_workers",
            name=gettext_lazy("Support letter: open work permit for vulnerable workers"),
            subject=gettext_lazy(
                "Support for an application for an open work permit for vulnerable workers"
            ),
            request=gettext_lazy(
                "We support the application of the person named above for an open work permit "
                "for vulnerable workers (Immigration and Refugee Protection Regulations, "
                "s. 207.1). The information below describes abuse, or a risk of abuse, in the "
                "context of the person's employment in Canada, within the meaning of s. 196.2 "
                "of the Regulations (physical, sexual, psychological or financial abuse)."
            ),
            addressee=gettext_lazy(
                "Immigration, Refugees and Citizenship Canada — officer responsible for "
                "open work permits for vulnerable workers"
            ),
        ),
    )
}


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _citation(source: engine.SourceInfo) -> str:
    return ", ".join(part for part in (source.title, source.section) if part)


def letter_filename(case: Case, kind: LetterKind, day: datetime.date) -> str:
    """From the case reference, the letter and the date only, never personal data."""
    reference = re.sub(r"[^A-Za-z0-9-]+", "-", case.reference).strip("-") or "case"
    return f"support-letter-{kind.slug}-{reference}-{day.isoformat()}.docx"


def _unasserted(criterion: engine.CriterionResult) -> list[str]:
    """The facts behind a criterion that the letter may not assert: neither stated
    by the person nor documented, each with where it came from."""
    return [
        f"{fact_label(name)}: {provenance_label(provenance)}"
        for name, provenance in criterion.provenance
        if provenance is None or not provenance.assertable
    ]


def _add_criteria(document: object, pathway: engine.PathwayResult, lang: str) -> list[str]:
    """The criteria as statements; what is not established becomes a line to confirm."""
    unverified: list[str] = []
    for criterion in pathway.criteria:
        label = in_language(criterion.label, lang)
        unasserted = _unasserted(criterion)
        if criterion.outcome is engine.Outcome.MET and unasserted:
            text = (
                "["
                + _("To confirm before sending: %(criterion)s (%(origins)s)")
                % {"criterion": label, "origins": "; ".join(unasserted)}
                + "]"
            )
        elif criterion.outcome is engine.Outcome.MET:
            text = label
        elif criterion.outcome is engine.Outcome.UNKNOWN:
            text = "[" + _("To confirm before sending: %(criterion)s") % {"criterion": label} + "]"
        else:
            text = (
                "[" + _("Not met on the facts recorded: %(criterion)s") % {"criterion": label} + "]"
            )
        item = document.add_paragraph(style="List Bullet")  # type: ignore[attr-defined]
        item.add_run(text)
        item.add_run(f" ({_citation(criterion.source)})").italic = True
        if not criterion.source.verified:
            unverified.append(f"{label}: {criterion.source.verification_note}")
    return unverified


def _add_caseworker_notes(
    document: object, pathway: engine.PathwayResult, day: datetime.date
) -> None:
    """What Harbour concluded and how far to trust it, for the caseworker only."""
    notes = [
        _("Harbour's reading on these facts: %(explanation)s")
        % {"explanation": in_language(pathway.explanation)}
    ]
    if pathway.review_overdue or pathway.review_by < day:
        notes.append(
            _(
                "These rules were due for review by %(day)s: check the sources for changes "
                "before relying on them."
            )
            % {"day": _day(pathway.review_by)}
        )
    document.add_heading(_("For the caseworker: Harbour's reading"), level=2)  # type: ignore[attr-defined]
    for note in notes:
        muted(document.add_paragraph(note, style="List Bullet"))  # type: ignore[attr-defined]


def support_letter_docx(
    kind: LetterKind,
    case: Case,
    result: engine.Result,
    summary: EvidenceSummary | None,
    *,
    language: str,
    signer: str,
) -> bytes:
    """The letter as an editable Word document, in `language` ("en" or "fr").

    `summary` must have been built in the same language (the caller builds it
    under `translation.override`).
    """
    with language_override(language):
        return _letter(kind, case, result, summary, language, signer)


def _letter(
    kind: LetterKind,
    case: Case,
    result: engine.Result,
    summary: EvidenceSummary | None,
    lang: str,
    signer: str,
) -> bytes:
    pathway = result.pathway(kind.pathway_id)
    document = new_document(f"{kind.subject} — {case.reference}")

    review = document.add_paragraph()
    review.add_run(
        _(
            "Draft prepared by Harbour on %(day)s from the facts recorded for case %(reference)s "
            "and the rules in force that day. Review every statement, fill in the bracketed "
            "blanks and delete this paragraph before sending."
        )
        % {"day": _day(result.as_of), "reference": case.reference}
    ).italic = True
    muted(review)

    document.add_paragraph(case.organisation.name).runs[0].bold = True
    document.add_paragraph(_day(result.as_of))
    document.add_paragraph(str(kind.addressee))
    subject = document.add_paragraph()
    subject.add_run(_("Re:") + " " + str(kind.subject)).bold = True
    facts_table(
        document,
        [
            (_("Full legal name"), "[" + _("full legal name") + "]"),
            (_("Date of birth"), "[" + _("date of birth") + "]"),
            (_("Client identifier (UCI), if any"), "[" + _("UCI") + "]"),
            (_("Our reference"), case.reference),
        ],
    )

    document.add_paragraph(_("To the officer,"))
    document.add_paragraph(
        _(
            "%(organisation)s supports people affected by human trafficking and labour "
            "exploitation. We have supported the person named above since %(opened)s."
        )
        % {"organisation": case.organisation.name, "opened": _day(case.opened_on)}
    )
    document.add_paragraph(str(kind.request))

    document.add_heading(_("The criteria"), level=1)
    document.add_paragraph(
        _("On the information we hold, as of %(day)s:") % {"day": _day(result.as_of)}
    )
    unverified = _add_criteria(document, pathway, lang)

    document.add_heading(_("What we observed"), level=1)
    if summary is None:
        document.add_paragraph(
            "["
            + _(
                "No completed screening is recorded for this case. Describe here, in your own "
                "words, what you observed and what the person told you."
            )
            + "]"
        )
    else:
        document.add_paragraph(
            _(
                "Our screening with recognised indicators of trafficking and forced labour "
                "(completed %(day)s) found: %(reading)s"
            )
            % {
                "day": _day(summary.completed_on or summary.started_on),
                "reading": summary.reading_title,
            }
        )
        document.add_paragraph(summary.reading_summary)
        for finding in summary.findings:
            item = document.add_paragraph(style="List Bullet")
            item.add_run(finding.label).bold = True
            if finding.evidence:
                item.add_run(" — " + finding.evidence)
        for line in summary.legal_supported:
            item = document.add_paragraph(style="List Bullet")
            item.add_run(
                _("The facts recorded are consistent with: %(element)s (%(citation)s)")
                % {"element": line.title, "citation": line.citation}
            )
        muted(document.add_paragraph(summary.not_a_legal_finding))

    if pathway.dates or pathway.benefits or pathway.fees:
        document.add_heading(_("What we ask for"), level=1)
        for computed in pathway.dates:
            if computed.kind == "validity":
                item = document.add_paragraph(style="List Bullet")
                item.add_run(in_language(computed.label, lang))
                item.add_run(f" ({_citation(computed.source)})").italic = True
        for fee in pathway.fees:
            if fee.exempt:
                item = document.add_paragraph(style="List Bullet")
                item.add_run(
                    _("Exemption from the fee: %(fee)s") % {"fee": in_language(fee.label, lang)}
                )
                item.add_run(f" ({_citation(fee.source)})").italic = True
        for benefit in pathway.benefits:
            item = document.add_paragraph(style="List Bullet")
            item.add_run(in_language(benefit.text, lang))
            item.add_run(f" ({_citation(benefit.source)})").italic = True

    document.add_paragraph(
        _(
            "We would be glad to provide any further information. Please contact the "
            "undersigned at the address above."
        )
    )
    document.add_paragraph(_("Sincerely,"))
    document.add_paragraph(signer or "[" + _("name and title") + "]")
    document.add_paragraph(case.organisation.name)

    document.add_heading(_("Framework relied on"), level=2)
    cited = {c.source.ref: c.source for c in pathway.criteria}
    cited.update({d.source.ref: d.source for d in pathway.dates})
    for source in cited.values():
        muted(document.add_paragraph(f"{source.title}. {source.url}", style="List Bullet"))
    if unverified:
        document.add_heading(_("For the caseworker: check before relying on"), level=2)
        for warning in unverified:
            muted(document.add_paragraph(warning, style="List Bullet"))
    _add_caseworker_notes(document, pathway, result.as_of)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{case.reference} · {kind.subject}"
    return docx_bytes(document)
