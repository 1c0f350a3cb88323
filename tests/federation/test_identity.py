"""This node's identity: keys, card, fingerprint, signing."""

import pytest
from django.core.exceptions import ValidationError

from amparo.federation.domain import identity
from amparo.federation.models import NodeKey


@pytest.fixture
def node(reference: None) -> None:
    identity.init_node(country="MX", url="https://mx.example.test", actor=None)


def test_signed_data_verifies_under_the_card_key(node: None) -> None:
    signed = identity.sign(b"aggregate 2026-11")
    card = identity.public_card()
    assert identity.verify(signed, public_key=card["sign_key"]) == b"aggregate 2026-11"


def test_one_changed_byte_does_not_verify(node: None) -> None:
    signed = bytearray(identity.sign(b"aggregate 2026-11"))
    signed[-5] = ord("A") if signed[-5] != ord("A") else ord("B")
    with pytest.raises(identity.BadSignature):
        identity.verify(bytes(signed), public_key=identity.public_card()["sign_key"])


def test_card_fingerprint_is_ten_groups_and_changes_on_rotation(node: None) -> None:
    before = identity.public_card()
    assert len(before["fingerprint"].split(" ")) == 10
    identity.rotate_node_keys(actor=None)
    after = identity.public_card()
    assert after["fingerprint"] != before["fingerprint"]
    assert after["node_id"] == before["node_id"]
    assert NodeKey.objects.filter(retired_at__isnull=True).count() == 2
    with pytest.raises(identity.BadSignature):
        identity.verify(identity.sign(b"x"), public_key=before["sign_key"])


def test_private_keys_are_encrypted_at_rest(node: None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT private_jwk FROM federation_nodekey")
        stored = [row[0] for row in cursor.fetchall()]
    assert all('"d"' not in value and value.startswith("gAAAA") for value in stored)


def test_a_node_is_initialised_once(node: None) -> None:
    with pytest.raises(ValidationError):
        identity.init_node(country="MX", actor=None)


def test_unknown_country_is_refused(reference: None) -> None:
    with pytest.raises(ValidationError) as error:
        identity.init_node(country="ZZ", actor=None)
    assert error.value.message_dict == {"country": ["Unknown country code."]}
