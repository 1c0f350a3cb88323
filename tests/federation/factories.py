"""Mexican federation objects for the outsider walk: this node is Mexico, pinned to a
Guatemalan peer; one approved cross-border referral of the Mexican case, and one referral
received from Guatemala, each holding names that must never show to an outsider."""

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.federation.domain import identity, peers
from amparo.federation.domain.crossborder import (
    approve_cross_border_referral,
    draft_cross_border_referral,
)
from amparo.federation.domain.inbox import receive_envelope
from amparo.federation.models import ReceivedReferral
from amparo.people.models import Case
from tests.federation.conftest import RemoteNode, referral_fields, staff


def mexican_federation_ids(case: Case, caseworker: User) -> dict[str, str]:
    identity.init_node(country="MX", url="https://mx.example.test", actor=None)
    guatemala = RemoteNode("GT")
    peers.trust_peer(guatemala.card(), actor=None)
    focal = staff("walk.fp.mx", "mx-pfpnna", Role.FOCAL_POINT)
    recipient = Agency.objects.get(code="gt-sbs")
    record_consent(
        case,
        ConsentInput(purpose="cross_border", method="written", recipient=recipient),
        actor=caseworker,
    )
    referral = draft_cross_border_referral(
        case, actor=caseworker, recipient_agency=recipient, kind="victim_assistance"
    )
    approve_cross_border_referral(referral, actor=focal)
    fields = referral_fields("mx-comar")
    fields["referral"]["data"] = {"given_names": "Xiomarafake", "first_surname": "Quetzalsynth"}
    fields["consent"]["recipient_country"] = "MX"
    receive_envelope(guatemala.seal(guatemala.content("referral", **fields)))
    received = ReceivedReferral.objects.get()
    return {"cross_border_id": str(referral.pk), "received_id": str(received.pk)}
