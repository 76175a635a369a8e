"""The evidence summary of a screening: for applications and referrals.

One summary, two shapes: printable HTML (screening/summary.html) and an
editable Word document. Both are built from `EvidenceSummary`, so they always
say the same thing.

The person may hand the summary to others (a lawyer, a shelter, an officer), so it
names the case by its reference and the person by their pseudonym ONLY: never the
legal name, date of birth, contact details, document numbers or any other
identifying field of the person or the case. Add nothing here that identifies them;
the evidence notes are the caseworker's words and are reviewed by them before the
document leaves the organisation (it is editable for that reason).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from harbour.screening import engine
from harbour.screening.catalogue import Catalogue
from harbour.screening.engine.law_first import compile_law_first
from harbour.screening.models import Assessment, AssessmentStatus
from harbour.screening.summary import reading_kind
from harbour.screening.templatetags.screening_text import in_language

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Finding:
    """An indicator answered yes, with the evidence the caseworker recorded."""

    indicator_id: str
    dimension: str
    label: str
    grade: str
    evidence: str
    given_by: str
    verified: bool
    law_first: bool = False  # a question on the law's own elements: `grade` is its citation


@dataclass(frozen=True)
class LegalLine:
    title: str
    citation: str
    kind: str
    reason: str
    valid_from: str
    verified: bool
    verification_note: str


@dataclass(frozen=True)
class SourceLine:
    text: str
    url: str


@dataclass(frozen=True)
class EvidenceSummary:
    reference: str
    pseudonym: str
    started_on: datetime.date
    completed_on: datetime.date | None
    status: str
    interview_language: str
    catalogue_title: str
    catalogue_version: str
    forced_labour_version: str
    legal_elements_version: str
    generated_on: datetime.date
    reading_code: str
    reading_title: str
    reading_summary: str
    reading_because: str
    answer_counts: str
    # Which readings exist ("ilo_list", "law_first", "both"); with both, the
    # law-first one is summarised as well.
    kind: str
    law_first_title: str
    law_first_summary: str
    findings: tuple[Finding, ...]
    forced_labour: tuple[str, ...]
    legal_supported: tuple[LegalLine, ...]
    notices: tuple[str, ...]
    interpretation_note: str
    sources: tuple[SourceLine, ...]

    @property
    def not_a_legal_finding(self) -> str:
        return _(
            "This is a screening summary, not a legal finding. It lists indicators "
            "consistent with exploitation, forced labour or trafficking, as recorded by a "
            "caseworker; only a court or a decision-maker decides whether an offence was "
            "committed or what status a person has."
        )


def grade_label(grade: str) -> str:
    return {
        "strong": _("strong indicator"),
        "medium": _("medium indicator"),
        "weak": _("weak indicator"),
    }.get(grade, grade)


def language_name(code: str) -> str:
    """A language named in the staff interface's language ("French", "Français")."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def native_language_name(code: str) -> str:
    """A language in its own name, capitalised as a choice is ("Français")."""
    try:
        name = str(get_language_info(code)["name_local"])
    except KeyError:
        return code
    return name[:1].upper() + name[1:]


def _source_text(*parts: str | None) -> str:
    return ", ".join(part for part in parts if part)


def _sources(catalogue: Catalogue) -> tuple[SourceLine, ...]:
    lines = [
        SourceLine(_source_text(s.publisher, s.title, s.edition, s.reference), s.url)
        for s in (*catalogue.indicators.sources, *catalogue.forced_labour.sources)
    ]
    lines += [SourceLine(s.title, s.url) for s in catalogue.legal.sources]
    return tuple(lines)


def build_evidence_summary(
    assessment: Assessment, reading: engine.Reading, catalogue: Catalogue
) -> EvidenceSummary:
    """Everything the summary says, in the active (staff) language."""
    case = assessment.case
    dimensions = {
        f"{lst.id}.{d.id}": in_language(d.title) for lst in catalogue.lists for d in lst.dimensions
    }
    answers = {a.indicator_id: a for a in assessment.answers.all()}
    findings: list[Finding] = []
    for indicator_list in catalogue.lists:
        for indicator in indicator_list.indicators:
            answer = answers.get(indicator.id)
            if answer is None or answer.value != engine.AnswerValue.YES:
                continue
            findings.append(
                Finding(
                    indicator_id=indicator.id,
                    dimension=dimensions[f"{indicator_list.id}.{indicator.dimension}"],
                    label=in_language(indicator.label),
                    grade=grade_label(indicator.grade),
                    evidence=answer.evidence,
                    given_by=answer.given_by,
                    verified=indicator.verified,
                )
            )
    law = reading.law_first
    compiled = compile_law_first(catalogue)
    if law is not None and compiled is not None:
        sections = {section.id: in_language(section.title) for section in compiled.sections}
        for question in compiled.questions:
            answer = answers.get(question.id)
            if answer is None or answer.value != engine.AnswerValue.YES:
                continue
            findings.append(
                Finding(
                    indicator_id=question.id,
                    dimension=sections[question.section_id],
                    label=in_language(question.label),
                    grade=in_language(question.citation),
                    evidence=answer.evidence,
                    given_by=answer.given_by,
                    verified=question.verified,
                    law_first=True,
                )
            )
    kind = reading_kind(reading)
    leading: Any = law if kind == "law_first" and law is not None else reading
    counts = dict(reading.answer_counts)
    if law is not None:
        counts = {k: counts[k] + law.answer_counts[k] for k in counts}
    return EvidenceSummary(
        reference=case.reference,
        pseudonym=case.person.pseudonym,
        started_on=timezone.localdate(assessment.created_at),
        completed_on=(
            timezone.localdate(assessment.completed_at) if assessment.completed_at else None
        ),
        status=str(AssessmentStatus(assessment.status).label),
        interview_language=language_name(assessment.interview_language),
        catalogue_title=in_language(catalogue.indicators.title),
        catalogue_version=assessment.catalogue_version,
        forced_labour_version=assessment.forced_labour_version,
        legal_elements_version=assessment.legal_elements_version,
        generated_on=timezone.localdate(),
        reading_code=leading.code.value,
        reading_title=in_language(leading.title),
        reading_summary=in_language(leading.summary),
        reading_because=in_language(leading.because),
        kind=kind,
        law_first_title=in_language(law.title) if kind == "both" and law else "",
        law_first_summary=in_language(law.because) if kind == "both" and law else "",
        answer_counts=_(
            "%(yes)s yes, %(no)s no, %(unknown)s don't know, %(declined)s prefers not to "
            "say, %(unanswered)s not asked"
        )
        % counts,
        findings=tuple(findings),
        forced_labour=tuple(in_language(f.title) for f in reading.forced_labour if f.present),
        legal_supported=tuple(
            LegalLine(
                title=in_language(element.title),
                citation=in_language(element.citation),
                kind=element.kind,
                reason=in_language(element.reason),
                valid_from=date_format(
                    datetime.date.fromisoformat(element.element.valid_from), "DATE_FORMAT"
                ),
                verified=element.element.verified,
                verification_note=element.element.verification_note or "",
            )
            # The law-first elements when that reading exists: they come from the
            # law's own questions; otherwise those the ILO/EC indicators support.
            for element in (
                law.elements if kind != "ilo_list" and law is not None else reading.legal_elements
            )
            if element.status is engine.ElementStatus.SUPPORTED
        ),
        notices=tuple(in_language(notice) for notice in reading.notices),
        interpretation_note=in_language(catalogue.legal.interpretation_note),
        sources=_sources(catalogue),
    )


def summary_filename(assessment: Assessment, extension: str = "docx") -> str:
    """Built from the case reference and the date only, never from personal data."""
    reference = re.sub(r"[^A-Za-z0-9-]+", "-", assessment.case.reference).strip("-") or "case"
    started = timezone.localdate(assessment.created_at).isoformat()
    return f"screening-summary-{reference}-{started}.{extension}"


# --- The Word document ----------------------------------------------------------------------

_MUTED = RGBColor(0x4A, 0x56, 0x63)


def facts_table(document: DocxDocument, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Light List"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
        for run in cells[0].paragraphs[0].runs:
            run.bold = True


def muted(paragraph: Paragraph) -> None:
    for run in paragraph.runs:
        run.font.color.rgb = _MUTED
        run.font.size = Pt(9)


def new_document(title: str) -> DocxDocument:
    """A Word document whose metadata names no user: documents travel."""
    document = Document()
    properties = document.core_properties
    properties.author = "Harbour"
    properties.last_modified_by = "Harbour"
    properties.title = title
    properties.comments = ""
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    return document


def docx_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def evidence_summary_docx(summary: EvidenceSummary) -> bytes:
    """An editable .docx of the summary, in the active (staff) language."""
    document = new_document(_("Screening evidence summary") + f" {summary.reference}")

    document.add_heading(_("Screening evidence summary"), level=0)
    facts_table(
        document,
        [
            (_("Case reference"), summary.reference),
            (_("Pseudonym"), summary.pseudonym),
            (_("Screening started"), date_format(summary.started_on, "DATE_FORMAT")),
            (
                _("Completed"),
                date_format(summary.completed_on, "DATE_FORMAT")
                if summary.completed_on
                else summary.status,
            ),
            (_("Interview language"), summary.interview_language),
            (_("Indicator catalogue"), f"{summary.catalogue_title} ({summary.catalogue_version})"),
            (
                _("Other catalogue files"),
                f"{summary.forced_labour_version}, {summary.legal_elements_version}",
            ),
            (_("Summary prepared on"), date_format(summary.generated_on, "DATE_FORMAT")),
        ],
    )
    notice = document.add_paragraph()
    notice.add_run(summary.not_a_legal_finding).italic = True

    document.add_heading(_("Reading"), level=1)
    document.add_paragraph().add_run(summary.reading_title).bold = True
    document.add_paragraph(summary.reading_summary)
    if summary.reading_because:
        document.add_paragraph(summary.reading_because)
    if summary.law_first_title:
        document.add_heading(_("The law's own elements"), level=2)
        document.add_paragraph().add_run(summary.law_first_title).bold = True
        document.add_paragraph(summary.law_first_summary)
    muted(document.add_paragraph(_("Answers recorded: %s.") % summary.answer_counts))

    document.add_heading(_("Indicators found"), level=1)
    if not summary.findings:
        document.add_paragraph(_("No indicator was answered yes."))
    for finding in summary.findings:
        heading = document.add_paragraph(style="List Bullet")
        heading.add_run(finding.label).bold = True
        heading.add_run(f" — {finding.dimension}, {finding.grade}")
        if not finding.verified:
            unverified = (
                _("in-force date not yet verified")
                if finding.law_first
                else _("wording and grade not yet verified")
            )
            heading.add_run(" · " + unverified).italic = True
        note = document.add_paragraph(style="List Continue")
        note.add_run(_("Evidence:") + " ").bold = True
        note.add_run(finding.evidence or _("no note recorded"))
        source = document.add_paragraph(style="List Continue")
        source.add_run(_("Information from:") + " ").bold = True
        source.add_run(finding.given_by or _("not recorded"))

    if summary.forced_labour:
        document.add_heading(_("ILO forced-labour indicators present"), level=1)
        for title in summary.forced_labour:
            document.add_paragraph(title, style="List Bullet")

    document.add_heading(_("Legal elements the facts support"), level=1)
    if not summary.legal_supported:
        document.add_paragraph(_("No legal element is supported by the answers recorded."))
    for line in summary.legal_supported:
        item = document.add_paragraph(style="List Bullet")
        item.add_run(line.title).bold = True
        item.add_run(f" ({line.citation})")
        document.add_paragraph(line.reason, style="List Continue")
        detail = _("In force from %(date)s.") % {"date": line.valid_from}
        if not line.verified:
            detail += " " + _("Unverified: %(note)s") % {"note": line.verification_note}
        muted(document.add_paragraph(detail, style="List Continue"))
    muted(document.add_paragraph(summary.interpretation_note))

    if summary.notices:
        document.add_heading(_("Notes on this reading"), level=1)
        for text in summary.notices:
            document.add_paragraph(text, style="List Bullet")

    document.add_heading(_("Sources"), level=1)
    for source_line in summary.sources:
        document.add_paragraph(f"{source_line.text}. {source_line.url}", style="List Bullet")
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{summary.reference} · {summary.pseudonym} · " + _(
        "Screening summary, not a legal finding"
    )
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    return docx_bytes(document)
