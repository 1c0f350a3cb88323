"""Mexican fieldwork objects for the outsider walk (tests/web/test_outsider.py)."""

from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency
from amparo.fieldwork.domain.submissions import Submission, import_submissions
from amparo.fieldwork.domain.webhooks import register_webhook
from amparo.screening.protocol import load_protocol
from tests.fieldwork.exports import encode
from tests.screening.builders import child


def mexican_fieldwork_ids() -> dict[str, str]:
    """A webhook of the Mexican agency, registered by its administrator, and a submission
    imported from the field (its instance id marked to be seen if it leaks), by URL parameter."""
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
    collector = create_staff_user(
        "walk.collector.mx",
        password="Synthetic-pass-2026!",
        memberships=[(agency, Role.FRONT_LINE_OFFICER)],
    )
    protocol = load_protocol("rcm-2013")
    fields: dict[str, object] = {code: encode(value) for code, value in child().items()}
    submission = Submission(
        "walk.json: line 1",
        "Quetzalsynth-instance-1",
        f"{protocol.id} {protocol.version}",
        fields,
    )
    report = import_submissions([submission], actor=collector, agency=agency, source="kobo-json")
    assert report.count("imported") == 1
    return {"webhook_id": str(webhook.pk)}
