"""The case page's "Parties involved" section, rendered by the networks app
so that the cases app need not know how mentions are stored:

    {% load network_mentions %}{% case_mentions case %}

The case page is only ever shown to staff who may open the case."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("networks/_case_mentions.html")
def case_mentions(case: Any) -> dict[str, Any]:
    return {"case": case, "mentions": case.mentions.select_related("entity")}
