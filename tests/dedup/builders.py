"""A likely duplicate of the Mexican case: the same synthetic person registered twice."""

from amparo.accounts.models import User
from amparo.dedup.models import DuplicateCandidate
from amparo.people.models import Case
from tests.conftest import make_case


def duplicate_of(case: Case, *, actor: User) -> Case:
    """A second case at the same agency for the person of `case`, spelled another way."""
    return make_case(
        actor=actor,
        agency_code=case.agency.code,
        given="Xiomara Fake",
        surname="Quetsalsynth",
        doc="HX1234567",
    )


def candidate_for(one: Case, other: Case) -> DuplicateCandidate:
    a, b = sorted((one.person_id, other.person_id))
    return DuplicateCandidate.objects.create(
        person_a_id=a,
        person_b_id=b,
        probability=0.998,
        evidence=[
            {"comparison": "surnames", "level": 2, "weight": 5.2},
            {"comparison": "document", "level": 2, "weight": 9.1},
            {"comparison": "phone_n", "level": 0, "weight": -1.3},
        ],
    )
