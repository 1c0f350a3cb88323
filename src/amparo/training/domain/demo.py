"""Demo data for the training programme: a cohort of the demo trainees and its first sessions.

Called by `amparo demo` after `load_content()`; everything it creates goes through the same
domain functions as the pages (so it is audited like any other change).
"""

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from amparo.accounts.models import Country, User
from amparo.training.domain.programme import (
    add_cohort_member,
    create_cohort,
    eligible_trainees,
    schedule_session,
)
from amparo.training.enums import SessionKind
from amparo.training.models import Cohort, Course
from amparo.training.rules import trainer_countries

DEMO_COHORT = "Demo 2026"


def seed_demo_programme(*, trainer: User, trainees: Sequence[User]) -> Cohort | None:
    """A demo cohort in the trainer's country with the eligible trainees, a self-paced session
    making the first module due in two weeks, and an expert presentation. Idempotent.

    Effects: creates the cohort, its members and two sessions (each audited by its domain
    function), unless the trainer's country already has the demo cohort or no course is
    loaded; returns the cohort, or None when there is nothing to do it with.
    """
    course = Course.objects.filter(current=True).order_by("code").first()
    countries = sorted(trainer_countries(trainer))
    if course is None or not countries:
        return None
    existing = Cohort.objects.filter(country_id=countries[0], name=DEMO_COHORT).first()
    if existing is not None:
        return existing
    country = Country.objects.get(code=countries[0])
    cohort = create_cohort(actor=trainer, country=country, course=course, name=DEMO_COHORT)
    eligible = set(eligible_trainees(cohort).values_list("pk", flat=True))
    for trainee in [t for t in trainees if t.pk in eligible][:5]:
        add_cohort_member(cohort, actor=trainer, trainee=trainee)
    _schedule(trainer, cohort, course)
    return cohort


def _schedule(trainer: User, cohort: Cohort, course: Course) -> None:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    first = course.modules.filter(retired=False).order_by("position").first()
    schedule_session(
        actor=trainer,
        title=first.name if first else course.name,
        kind=SessionKind.SELF_PACED,
        starts_at=start,
        ends_at=start + dt.timedelta(days=14),
        host_country=cohort.country,
        cohorts=[cohort],
        module=first,
    )
    schedule_session(
        actor=trainer,
        title=course.name,
        kind=SessionKind.EXPERT_PRESENTATION,
        starts_at=start + dt.timedelta(days=7),
        ends_at=start + dt.timedelta(days=7, hours=2),
        host_country=cohort.country,
        cohorts=[cohort],
    )
