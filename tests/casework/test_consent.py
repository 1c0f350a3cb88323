import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import (
    MIGRANT_LANGUAGES,
    ConsentInput,
    consent_text,
    record_consent,
    valid_basis_for,
    withdraw_consent,
)
from amparo.casework.enums import ConsentPurpose
from amparo.casework.models import Consent
from amparo.people.models import Case


def _errors(case: Case, actor: User, data: ConsentInput) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        record_consent(case, data, actor=actor)
    return error.value.message_dict


def test_consent_needs_a_method(mx_caseworker: User, mx_case: Case) -> None:
    assert set(_errors(mx_case, mx_caseworker, ConsentInput(purpose="assistance"))) == {"method"}
    assert Consent.objects.count() == 0


def test_a_legal_basis_other_than_consent_needs_a_justification(
    mx_caseworker: User, mx_case: Case
) -> None:
    errors = _errors(
        mx_case, mx_caseworker, ConsentInput(purpose="assistance", legal_basis="public_interest")
    )
    assert set(errors) == {"justification"}


def test_sharing_needs_a_named_recipient(mx_caseworker: User, mx_case: Case) -> None:
    errors = _errors(mx_case, mx_caseworker, ConsentInput(purpose="sharing", method="written"))
    assert set(errors) == {"recipient"}


def test_every_wrong_field_is_named_at_once(mx_caseworker: User, mx_case: Case) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = ConsentInput(
        purpose="gossip",
        method="telepathy",
        language="xx",
        given_on=tomorrow,
        interpreter_used=True,
    )
    assert set(_errors(mx_case, mx_caseworker, data)) == {
        "purpose",
        "method",
        "language",
        "given_on",
        "interpreter_name",
    }


def test_withdrawing_consent_stops_further_sharing(mx_caseworker: User, mx_case: Case) -> None:
    comar = Agency.objects.get(code="mx-comar")
    consent = record_consent(
        mx_case,
        ConsentInput(purpose="sharing", method="written", recipient=comar),
        actor=mx_caseworker,
    )
    assert valid_basis_for(mx_case, "sharing", recipient=comar) == consent
    withdraw_consent(consent, actor=mx_caseworker, note="Changed her mind")
    assert valid_basis_for(mx_case, "sharing", recipient=comar) is None


def test_consent_for_one_recipient_does_not_cover_another(
    mx_caseworker: User, mx_case: Case
) -> None:
    record_consent(
        mx_case,
        ConsentInput(
            purpose="sharing", method="written", recipient=Agency.objects.get(code="mx-comar")
        ),
        actor=mx_caseworker,
    )
    assert valid_basis_for(mx_case, "sharing", recipient=Agency.objects.get(code="mx-ceav")) is None


def test_an_expired_consent_no_longer_counts(mx_caseworker: User, mx_case: Case) -> None:
    today = timezone.localdate()
    record_consent(
        mx_case,
        ConsentInput(
            purpose="referral",
            method="written",
            given_on=today - dt.timedelta(days=30),
            expires_on=today,
        ),
        actor=mx_caseworker,
    )
    assert valid_basis_for(mx_case, "referral") is None


def test_assistance_does_not_depend_on_consent_to_share(mx_caseworker: User, mx_case: Case) -> None:
    record_consent(
        mx_case, ConsentInput(purpose="assistance", method="verbal_certified"), actor=mx_caseworker
    )
    assert valid_basis_for(mx_case, "assistance") is not None
    assert valid_basis_for(mx_case, "sharing") is None


@pytest.mark.parametrize("purpose", ConsentPurpose.values)
@pytest.mark.parametrize("language", MIGRANT_LANGUAGES)
def test_consent_text_exists_in_the_five_migrant_languages(purpose: str, language: str) -> None:
    assert len(consent_text(purpose, language)) > 60
