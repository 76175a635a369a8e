"""Facts in words beside the criteria that read them: `{{ criterion|provenance_lines:names }}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from harbour.pathways.engine import CriterionResult
from harbour.pathways.facts import fact_label, provenance_label

register = template.Library()


@register.filter(name="provenance_lines")
def provenance_lines(criterion: CriterionResult, documents: Any = None) -> list[str]:
    """One line per known fact the criterion read: the fact and where it came from
    (with the document's name when a document shows it)."""
    names = documents if isinstance(documents, dict) else {}
    lines = []
    for name, provenance in criterion.provenance:
        origin = provenance_label(provenance)
        if provenance is not None and provenance.document:
            document = names.get(provenance.document, _("a document no longer on the case"))
            origin = _("%(origin)s: %(document)s") % {"origin": origin, "document": document}
        lines.append(f"{fact_label(name)} — {origin}")
    return lines
