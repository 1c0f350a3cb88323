import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from amparo.accounts.models import User
from amparo.people.domain.cases import find_persons_by_document
from amparo.people.models import Case, Person
from amparo.protection import crypto
from amparo.protection.domain.keys import assert_keys_usable
from tests.conftest import make_case


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def test_personal_fields_are_stored_encrypted(mx_case: Case) -> None:
    person_id = mx_case.person_id
    for column in ["given_names", "first_surname", "birth_date", "documents", "phone"]:
        raw = _raw("people_person", column, person_id)
        assert raw.startswith("gAAAA"), column  # a Fernet token, not the value
    assert "Xiomarafake" not in _raw("people_person", "given_names", person_id)
    assert "HX1234567" not in _raw("people_person", "documents", person_id)
    person = Person.objects.get(pk=person_id)
    assert (person.given_names, person.documents[0]["number"]) == ("Xiomarafake", "HX1234567")


def test_blind_index_finds_a_document_without_storing_it(mx_case: Case) -> None:
    assert find_persons_by_document("hx-123 4567") == [mx_case.person_id]
    assert find_persons_by_document("HX7654321") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM people_personidentifier")
        digests = [row[0] for row in cursor.fetchall()]
    assert all("HX1234567" not in d for d in digests)


def test_missing_keys_stop_with_a_clear_message(tmp_path: Path) -> None:
    with override_settings(
        AMPARO_KEYS="", AMPARO_INDEX_KEY="", AMPARO_KEY_FILE=tmp_path / "none.json"
    ):
        crypto.reset_key_ring_cache()
        with pytest.raises(crypto.KeyRingError, match="No encryption keys"):
            crypto.key_ring()
    crypto.reset_key_ring_cache()


def test_a_malformed_key_is_refused_naming_its_position() -> None:
    keys = f"{Fernet.generate_key().decode()},not-a-key"
    expected = "encryption key #2 is not a valid Fernet key"
    with override_settings(AMPARO_KEYS=keys), pytest.raises(crypto.KeyRingError, match=expected):
        crypto.read_key_ring()


def test_a_wrong_key_is_detected_at_start_up_by_the_canary(db: None) -> None:
    assert_keys_usable()  # creates the canary under the test keys
    wrong = Fernet.generate_key().decode()
    with (
        override_settings(AMPARO_KEYS=wrong),
        pytest.raises(crypto.KeyRingError, match="cannot be"),
    ):
        assert_keys_usable()
    crypto.reset_key_ring_cache()


def test_writing_without_keys_never_stores_plaintext(mx_caseworker: User, tmp_path: Path) -> None:
    with override_settings(
        AMPARO_KEYS="", AMPARO_INDEX_KEY="", AMPARO_KEY_FILE=tmp_path / "none.json"
    ):
        crypto.reset_key_ring_cache()
        with pytest.raises(crypto.KeyRingError), transaction.atomic():
            Person.objects.create(given_names="Plainfake")
    crypto.reset_key_ring_cache()
    assert Person.objects.count() == 0


def test_rotate_keys_reencrypts_everything_and_retires_the_old_key(
    mx_caseworker: User, tmp_path: Path
) -> None:
    key_file = tmp_path / "keys.json"
    crypto.write_key_file(key_file, crypto.new_key_file_content())
    with override_settings(AMPARO_KEYS="", AMPARO_INDEX_KEY="", AMPARO_KEY_FILE=key_file):
        crypto.reset_key_ring_cache()
        old_key = crypto.key_ring().encryption_keys[0]
        case = make_case(
            actor=mx_caseworker,
            agency_code="mx-oim",
            given="Rotafake",
            surname="Keysynth",
            doc="R1",
        )
        before = _raw("people_person", "given_names", case.person_id)
        call_command("rotate_keys", "--retire-old")
        keys = json.loads(key_file.read_text())["encryption_keys"]
        assert len(keys) == 1
        assert keys[0] != old_key
        after = _raw("people_person", "given_names", case.person_id)
        assert after != before
        assert Fernet(keys[0]).decrypt(after.encode()).decode() == "Rotafake"
        crypto.reset_key_ring_cache()
        assert Person.objects.get(pk=case.person_id).given_names == "Rotafake"
        assert find_persons_by_document("R1") == [case.person_id]  # the index key is stable
    crypto.reset_key_ring_cache()
