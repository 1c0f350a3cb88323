"""The data migrations encrypt special-category codes already stored in clear, and undo."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from amparo.accounts.models import User
from amparo.assessment.models import FactorFinding
from amparo.casework.models import Guardian
from amparo.people.models import Case
from amparo.screening.models import ProfileDecision
from tests.screening_web.conftest import screen

BEFORE = [
    ("screening", "0001_initial"),
    ("assessment", "0001_initial"),
    ("casework", "0001_initial"),
]
AFTER = [
    ("screening", "0002_encrypt_profile_codes"),
    ("assessment", "0002_encrypt_factor_codes"),
    ("casework", "0002_encrypt_guardian_relationship"),
]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _rows(sql: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_codes_stored_in_clear_are_encrypted_by_the_migration(
    mx_caseworker: User, mx_case: Case
) -> None:
    screening = screen(mx_caseworker)
    _migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE screening_profiledecision SET code = 'trafficking'")
        cursor.execute(
            "INSERT INTO assessment_assessment (case_id, kind, catalogue_id, catalogue_version,"
            " catalogue_sha256, concern_level, justification, assessed_by_id, assessed_at,"
            " version) VALUES (%s, 'individual', 'domv', '1.0', '', 'high', '', %s,"
            " CURRENT_TIMESTAMP, 1)",
            [mx_case.pk, mx_caseworker.pk],
        )
        cursor.execute("SELECT MAX(id) FROM assessment_assessment")
        (assessment_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO assessment_factorfinding (assessment_id, factor_code, level, mark,"
            " evidence, source) VALUES (%s, 'recent_sexual_violence', 'individual', 'risk',"
            " '', '')",
            [assessment_id],
        )
        cursor.execute(
            "INSERT INTO casework_guardian (case_id, name, relationship)"
            " VALUES (%s, '', 'legal_guardian')",
            [mx_case.pk],
        )
    _migrate(AFTER)
    raw = _rows(
        "SELECT code FROM screening_profiledecision UNION ALL "
        "SELECT factor_code FROM assessment_factorfinding UNION ALL "
        "SELECT relationship FROM casework_guardian"
    )
    clear = {"trafficking", "recent_sexual_violence", "legal_guardian"}
    assert [value for (value,) in raw if value in clear or not str(value).startswith("gAAAA")] == []
    assert (
        {d.code for d in ProfileDecision.objects.filter(screening=screening)},
        FactorFinding.objects.get(factor_key=FactorFinding.key_of("recent_sexual_violence")).mark,
        Guardian.objects.get(case=mx_case).relationship,
    ) == ({"trafficking"}, "risk", "legal_guardian")
