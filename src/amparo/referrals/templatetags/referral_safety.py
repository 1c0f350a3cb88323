"""Template access to the safety rules, for pages that show them (the case page)."""

from django import template

from amparo.accounts.models import Country
from amparo.people.models import Case
from amparo.referrals.domain.safety import feared_countries

register = template.Library()


@register.simple_tag
def do_not_contact(case: Case) -> list[Country]:
    """The countries the case's person fears returning to, which nothing may be sent to.

    Read as part of the case page, whose reading the page's own audit event records."""
    return list(Country.objects.filter(code__in=feared_countries(case.person)).order_by("code"))
