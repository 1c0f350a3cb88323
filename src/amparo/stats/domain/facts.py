"""The facts statistics are counted from: one row of codes per screening, case, referral or
certificate, never a name, a free text or an id that leaves this module.

Each fact is a dict of dimension codes (`stats.enums.Dimension`) plus `month` (YYYY-MM).
Profile codes are special-category data stored encrypted with a keyed hash beside them; the
facts read the keyed hash and map it back through the known profile codes, so no code is ever
decrypted for counting.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from amparo.people.models import Case
from amparo.referrals.enums import ReferralStatus, ServedProfile
from amparo.referrals.models import Referral
from amparo.screening.models import ProfileDecision, Screening, ScreeningStatus
from amparo.stats.domain.scope import Scope
from amparo.stats.enums import AgeBand, DaysBand, Measure, YesNo
from amparo.training.models import Certificate, CohortMember

Fact = dict[str, str | tuple[str, ...]]
OTHER_PROFILE = "other"
NO_PROFILE = "none"


def facts_for(measure: str, scope: Scope) -> list[Fact]:
    """Every fact of one measure inside the scope."""
    readers = {
        Measure.SCREENINGS: screening_facts,
        Measure.CASES: case_facts,
        Measure.REFERRALS: referral_facts,
        Measure.CERTIFICATES: certificate_facts,
        Measure.TRAINED_STAFF: trained_staff_facts,
    }
    return readers[Measure(measure)](scope)


def age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return AgeBand.UNKNOWN
    age = year - birth_year
    if age < 12:
        return AgeBand.CHILD_0_11
    if age < 18:
        return AgeBand.CHILD_12_17
    return AgeBand.ADULT_18_59 if age < 60 else AgeBand.OLDER_60


def _month(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def _scoped(scope: Scope, agency: str, country: str) -> Q:
    if scope.agencies:
        return Q(**{f"{agency}__in": scope.agencies})
    if scope.countries:
        return Q(**{f"{country}__in": scope.countries})
    return Q()


def _profiles_by(pairs: Iterable[tuple[int | None, str]]) -> dict[int, tuple[str, ...]]:
    """Confirmed profiles per owner id, read through the keyed hash of each code."""
    field = ProfileDecision._meta.get_field("code_key")
    codes = {field.key_for(code): code for code in ServedProfile.values}
    found: dict[int, set[str]] = defaultdict(set)
    for owner, key in pairs:
        if owner is not None:
            found[owner].add(codes.get(key, OTHER_PROFILE))
    return {owner: tuple(sorted(values)) for owner, values in found.items()}


def screening_facts(scope: Scope) -> list[Fact]:
    query = Screening.objects.filter(
        _scoped(scope, "agency_id", "country_id"),
        status__in=[ScreeningStatus.SUBMITTED, ScreeningStatus.REVIEWED],
    ).values_list(
        "pk",
        "country_id",
        "agency_id",
        "created_at",
        "urgency",
        "case__person__sex",
        "case__person__birth_year",
    )
    rows = list(query)
    decisions = ProfileDecision.objects.filter(
        confirmed=True, screening_id__in=[row[0] for row in rows]
    ).values_list("screening_id", "code_key")
    profiles = _profiles_by(decisions)
    return [
        {
            "country": country,
            "agency": str(agency),
            "month": _month(created),
            "urgency": urgency or "normal",
            "sex": sex or "unknown",
            "age_band": age_band(birth_year, created.year),
            "profile": profiles.get(pk, (NO_PROFILE,)),
        }
        for pk, country, agency, created, urgency, sex, birth_year in rows
    ]


def _case_profiles(case_ids: list[int]) -> dict[int, tuple[str, ...]]:
    decisions = ProfileDecision.objects.filter(
        confirmed=True, screening__case_id__in=case_ids
    ).values_list("screening__case_id", "code_key")
    return _profiles_by(decisions)


def case_facts(scope: Scope) -> list[Fact]:
    rows = list(
        Case.objects.filter(_scoped(scope, "agency_id", "country_id")).values_list(
            "pk",
            "country_id",
            "agency_id",
            "opened_at",
            "status",
            "person__sex",
            "person__birth_year",
        )
    )
    profiles = _case_profiles([row[0] for row in rows])
    return [
        {
            "country": country,
            "agency": str(agency),
            "month": _month(opened),
            "stage": status,
            "sex": sex,
            "age_band": age_band(birth_year, opened.year),
            "profile": profiles.get(pk, (NO_PROFILE,)),
        }
        for pk, country, agency, opened, status, sex, birth_year in rows
    ]


def days_band(sent: dt.datetime | None, decided: dt.datetime | None, status: str) -> str:
    if status not in {ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED} or not sent or not decided:
        return DaysBand.NOT_ACCEPTED
    days = (decided - sent).days
    if days <= 0:
        return DaysBand.SAME_DAY
    if days <= 3:
        return DaysBand.ONE_TO_THREE
    return DaysBand.FOUR_TO_SEVEN if days <= 7 else DaysBand.MORE


def referral_facts(scope: Scope) -> list[Fact]:
    rows = list(
        Referral.objects.filter(
            _scoped(scope, "sending_agency_id", "sending_agency__country_id"), sent_at__isnull=False
        ).values_list(
            "case_id",
            "sending_agency__country_id",
            "sending_agency_id",
            "receiving_agency__country_id",
            "sent_at",
            "decided_at",
            "acknowledge_due_at",
            "kind",
            "status",
            "case__person__sex",
            "case__person__birth_year",
        )
    )
    profiles = _case_profiles([row[0] for row in rows])
    now = timezone.now()
    facts: list[Fact] = []
    for case_id, country, agency, to_country, sent, decided, due, kind, status, sex, born in rows:
        if sent is None:  # excluded by the query; the type does not know it
            continue
        overdue = status == ReferralStatus.SENT and due is not None and due < now
        facts.append(
            {
                "country": country,
                "agency": str(agency),
                "month": _month(sent),
                "kind": kind,
                "outcome": status,
                "days_to_acceptance": days_band(sent, decided, status),
                "cross_border": YesNo.YES if to_country != country else YesNo.NO,
                "overdue": YesNo.YES if overdue else YesNo.NO,
                "sex": sex,
                "age_band": age_band(born, sent.year),
                "profile": profiles.get(case_id, (NO_PROFILE,)),
            }
        )
    return facts


def _trainee_agencies(scope: Scope) -> dict[tuple[int, int], tuple[str, str]]:
    """(trainee, course) -> (country, agency) from the cohort the trainee followed."""
    members = CohortMember.objects.filter(_scoped(scope, "agency_id", "agency__country_id"))
    return {
        (trainee, course): (country, str(agency))
        for trainee, course, country, agency in members.values_list(
            "trainee_id", "cohort__course_id", "agency__country_id", "agency_id"
        )
    }


def _certificates(scope: Scope) -> list[tuple[int, Fact]]:
    where = _trainee_agencies(scope)
    rows: list[tuple[int, Fact]] = []
    for trainee, course, issued in Certificate.objects.values_list(
        "trainee_id", "course_id", "issued_at"
    ):
        if (trainee, course) in where:
            country, agency = where[(trainee, course)]
            rows.append((trainee, {"country": country, "agency": agency, "month": _month(issued)}))
    return rows


def certificate_facts(scope: Scope) -> list[Fact]:
    return [fact for _trainee, fact in _certificates(scope)]


def trained_staff_facts(scope: Scope) -> list[Fact]:
    """One fact per trainee holding at least one certificate, at their first certificate."""
    first: dict[int, Fact] = {}
    for trainee, fact in _certificates(scope):
        if trainee not in first or str(fact["month"]) < str(first[trainee]["month"]):
            first[trainee] = fact
    return list(first.values())
