"""Mexican fieldwork objects for the outsider walk (tests/web/test_outsider.py)."""

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency
from amparo.fieldwork.domain.webhooks import register_webhook


def mexican_fieldwork_ids() -> dict[str, str]:
    """A webhook of the Mexican agency, registered by its administrator, by URL parameter."""
    agency = Agency.objects.get(code="mx-oim")
    admin = create_staff_user(
        "walk.admin.mx", password="Synthetic-pass-2026!", memberships=[(agency, Role.ADMINISTRATOR)]
    )
    webhook, _secret = register_webhook(
        actor=admin,
        agency=agency,
        partner=Agency.objects.get(code="mx-acnur"),
        url="https://partner.example/Quetzalsynth-hook",
        events=["referral.sent"],
    )
    return {"webhook_id": str(webhook.pk)}
