"""The case page's protection history, rendered by the pathways app so that
the cases app need not know how applications are stored:

    {% load protection_history %}{% case_protection_history case %}

It lists each application with its decision, in the order they were
submitted, without reference numbers or documents: those are on the
application's own page, whose every read is audited. The case page itself is
only shown to staff who may open the case (and its view is audited)."""

from __future__ import annotations

from typing import Any

from django import template

from harbour.pathways.applications import applications_of, pathway_title

register = template.Library()


@register.inclusion_tag("pathways/application_history.html")
def case_protection_history(case: Any) -> dict[str, Any]:
    listed = applications_of(case)
    for application in listed:
        application.pathway_title = pathway_title(application.pathway_id)  # type: ignore[attr-defined]
    return {"case": case, "applications": listed}
