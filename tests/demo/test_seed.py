"""The demo data walks through the real domain functions: every stage, every profile is
reachable, everything is marked synthetic, and the audit chain stays intact."""

from amparo.accounts.models import User
from amparo.demo import seed
from amparo.people.models import Case, Person
from amparo.protection.domain.audit import verify_chain
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.screening.models import ProfileDecision


def test_a_small_demo_covers_every_stage_and_stays_synthetic(reference: None) -> None:
    seed_directory_from_agencies()
    seed.create_demo_accounts()
    seed.seed_demo_cases(total=11 * 8)
    assert set(Case.objects.values_list("status", flat=True)) == set(seed.DEMO_TARGETS)
    assert set(Case.objects.values_list("country_id", flat=True)) == {
        "BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"
    }  # fmt: skip
    assert not Person.objects.filter(is_synthetic=False).exists()
    assert not Case.objects.filter(is_synthetic=False).exists()
    assert ProfileDecision.objects.filter(confirmed=True).exists()
    assert verify_chain().intact


def test_every_demo_account_has_one_role(reference: None) -> None:
    seed.create_demo_accounts()
    roles = {u.username: [m.role for m in u.memberships.all()] for u in User.objects.all()}
    assert all(len(r) == 1 for r in roles.values())
    assert {r[0] for r in roles.values()} == {
        "front_line_officer", "case_manager", "supervisor", "receiving_officer", "focal_point",
        "regional_analyst", "trainer", "trainee", "administrator",
    }  # fmt: skip
