"""The case page's "Referrals" section, rendered by the directory app so that
the cases app need not know how referrals are stored:

    {% load directory_referrals %}{% case_referrals case %}

The case page is only ever shown to staff who may open the case, and they
may see all of its referrals."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("directory/_case_referrals.html")
def case_referrals(case: Any) -> dict[str, Any]:
    return {
        "case": case,
        "referrals": case.referrals.select_related("to_organisation", "service"),
        "outside_referrals": case.outside_referrals.select_related("service", "service__provider"),
    }
