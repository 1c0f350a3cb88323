"""Named reads of assessments, and the access gate for one assessment."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from amparo.accounts.models import User
from amparo.assessment.enums import Mark
from amparo.assessment.models import Assessment
from amparo.people.domain.queries import cases_visible_to, get_case_for
from amparo.people.models import Case


def assessments_of(case: Case) -> QuerySet[Assessment]:
    """A case's assessments, newest first, with what the list shows, in one query.

    Each row carries `risk_count` and `protective_count`: counts of what was marked, shown as
    they are. They feed no formula: the concern level is what the case manager chose.
    """
    return (
        Assessment.objects.filter(case=case)
        .select_related("assessed_by")
        .annotate(
            risk_count=Count("findings", filter=Q(findings__mark=Mark.RISK)),
            protective_count=Count("findings", filter=Q(findings__mark=Mark.PROTECTIVE)),
        )
    )


def get_assessment_for(user: User, case_id: int, assessment_id: int) -> Assessment:
    """The gate for an assessment: through the case gate, then 404 unless it is that case's.

    The findings come prefetched, with the case and who assessed it.
    """
    case = get_case_for(user, case_id)
    assessment = (
        Assessment.objects.filter(case=case, pk=assessment_id)
        .select_related("assessed_by")
        .prefetch_related("findings")
        .first()
    )
    if assessment is None:
        raise Http404
    assessment.case = case  # the gated instance, with its person, agency and country loaded
    return assessment


def household_cases_visible_to(user: User, assessment: Assessment) -> QuerySet[Case]:
    """The linked household cases this user may open: the others are not even named."""
    linked = assessment.household_cases.values("pk")
    return cases_visible_to(user).filter(pk__in=linked).order_by("reference")
