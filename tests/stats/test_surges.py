"""Surges in the node's own screenings: flagged on the focal point's dashboard and e-mailed
once per surge to the country's focal points, in each one's language, without personal data."""

import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.protection.models import AuditEvent
from amparo.screening.domain.screenings import submit_screening
from amparo.screening.models import Screening
from amparo.stats.models import SurgeNotice
from tests.screening.builders import child
from tests.stats.conftest import staff

# 11 screenings a month in January to March 2026, then 13 in April: April is the highest
# month on record (above 11 in January), every count at or above k = 11.
MONTHS = {"2026-01": 11, "2026-02": 11, "2026-03": 11, "2026-04": 13}
RECORD = "13 is the highest month on record, above 11 in January 2026."


@pytest.fixture
def mexican_screenings(mx_caseworker: User) -> None:
    agency = Agency.objects.get(code="mx-oim")
    for month, count in MONTHS.items():
        made = [
            submit_screening(actor=mx_caseworker, agency=agency, answers=child(), lang="es").pk
            for _ in range(count)
        ]
        moment = dt.datetime.fromisoformat(f"{month}-15T12:00:00+00:00")
        Screening.objects.filter(pk__in=made).update(created_at=moment)


def _with_email(user: User, language: str) -> User:
    user.email = f"{user.username}@example.org"
    user.language = language
    user.save(update_fields=["email", "language"])
    return user


def test_the_focal_point_sees_the_surge_in_her_countrys_screenings(
    login: Callable[[User], Client],
    mexican_screenings: None,
    mx_focal: User,
    gt_focal: User,
    mx_supervisor: User,
) -> None:
    client = login(mx_focal)
    client.cookies["django_language"] = "en"
    body = client.get("/stats/").content.decode()

    assert "Surges in our own screenings" in body
    assert f"2026-04: {RECORD}" in body
    guatemala = login(gt_focal)
    guatemala.cookies["django_language"] = "en"
    assert "Surges in our own screenings" not in guatemala.get("/stats/").content.decode()
    supervisor = login(mx_supervisor)
    supervisor.cookies["django_language"] = "en"
    assert "Surges in our own screenings" not in supervisor.get("/stats/").content.decode()


def test_the_surge_api_gives_the_flag_to_the_focal_point(
    login: Callable[[User], Client], mexican_screenings: None, mx_focal: User
) -> None:
    client = login(mx_focal)
    client.cookies["django_language"] = "en"
    body = client.get("/api/stats/surges/node-screenings").json()

    assert body["series"] == "node-screenings"
    assert body["flags"] == [
        {
            "period": "2026-04",
            "kind": "record_month",
            "value": 13,
            "baseline": 11.0,
            "explanation": RECORD,
        }
    ]


def test_each_surge_is_emailed_once_in_each_recipients_language(
    mexican_screenings: None, mx_focal: User, gt_focal: User
) -> None:
    spanish = _with_email(mx_focal, "es")
    french = _with_email(staff("felix.focal", "mx-comar", Role.FOCAL_POINT), "fr")
    _with_email(gt_focal, "en")  # Guatemala has no surge: nothing for her

    call_command("stats", "notify-surges", stdout=StringIO())
    call_command("stats", "notify-surges", stdout=StringIO())  # the same flag: not again

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([french.email, spanish.email])
    assert "abril de 2026" in by_recipient[spanish.email].subject
    assert "enero de 2026" in by_recipient[spanish.email].body
    assert "avril 2026" in by_recipient[french.email].subject
    assert "janvier 2026" in by_recipient[french.email].body
    assert SurgeNotice.objects.count() == 1
    notified = AuditEvent.objects.get(action="stats.surge_notified")
    assert notified.payload == {
        "series": "node-screenings",
        "period": "2026-04",
        "kind": "record_month",
    }


def test_the_surge_email_holds_no_personal_data(
    mx_caseworker: User, mexican_screenings: None, mx_focal: User
) -> None:
    _with_email(mx_focal, "en")
    call_command("stats", "notify-surges", stdout=StringIO())

    (message,) = mail.outbox
    text = message.subject + message.body
    agency = Agency.objects.get(code="mx-oim")
    screening = Screening.objects.first()
    assert message.subject == "Amparo: a surge in screenings recorded on this node in April 2026"
    assert RECORD in message.body
    for personal in [agency.name, agency.code, mx_caseworker.username, str(screening.pk), "GT"]:
        assert personal not in text
