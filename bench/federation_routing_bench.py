"""Receiving node: a referral envelope received (verify, store, receipt), then routed by the
focal point (a person and case opened from the minimum data set, the consent recorded, the
in-country referral drafted and sent), then accepted by the institution (the `accepted`
envelope sealed and queued by the hook). Milliseconds per step, on a fresh database.

Run: .venv/bin/python bench/federation_routing_bench.py [--referrals 200] [--database-url URL]
"""

import argparse
import time

from _common import machine, percentiles, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    setup_django(args.database_url)
    import datetime as dt
    import uuid

    from joserfc.jwk import OKPKey

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.federation.domain import envelope, identity, peers
    from amparo.federation.domain.inbox import receive_envelope
    from amparo.federation.domain.received import route_received_referral
    from amparo.federation.models import ReceivedReferral
    from amparo.referrals.domain.referrals import accept_referral

    load_reference_data()
    identity.init_node(country="GT", url="https://gt.example.test", actor=None)
    sign, encrypt = OKPKey.generate_key("Ed25519"), OKPKey.generate_key("X25519")
    node_id = str(uuid.uuid4())
    sign_jwk, encrypt_jwk = sign.as_dict(private=False), encrypt.as_dict(private=False)
    card = {
        "amparo_node_card": 1, "node_id": node_id, "country": "MX",
        "url": "https://mx.example.test", "sign_key": sign_jwk, "encrypt_key": encrypt_jwk,
        "fingerprint": identity.fingerprint_of(node_id, sign_jwk, encrypt_jwk),
    }  # fmt: skip
    peers.trust_peer(card, actor=None)
    ours = identity.public_card()
    password = "synthetic-bench-password-1"
    focal = create_staff_user(
        "focal.bench",
        password=password,
        memberships=[(Agency.objects.get(code="gt-pgn"), Role.FOCAL_POINT)],
    )
    sbs = Agency.objects.get(code="gt-sbs")
    officer = create_staff_user(
        "officer.bench", password=password, memberships=[(sbs, Role.RECEIVING_OFFICER)]
    )
    received_ms, routed_ms, accepted_ms = [], [], []
    for number in range(args.referrals):
        content = envelope.new_content(
            "referral", sender=node_id, recipient=ours["node_id"], sender_country="MX",
            recipient_country="GT", ttl=dt.timedelta(days=1), case_ref=f"bench-{number}",
            referral={
                "kind": "continuity_of_care", "urgency": "normal", "institution": "gt-sbs",
                "data": {
                    "given_names": f"Synthbench{number}", "first_surname": "Fakerosa",
                    "sex": "female", "birth_year": 1990, "nationalities": ["GT"],
                    "languages": ["es"], "profiles": [], "urgency": "normal",
                },
            },
            consent={
                "legal_basis": "consent", "purpose": "cross_border", "recipient_country": "GT",
                "recipient_institution": "gt-sbs", "date": "2026-11-30", "expires": None,
                "method": "written", "language": "es", "interpreter": False,
                "text_sha256": "0" * 64,
            },
        )  # fmt: skip
        token = envelope.seal(content, signing_key=sign, recipient_key=ours["encrypt_key"])
        started = time.perf_counter()
        arrival = receive_envelope(token)
        received_ms.append((time.perf_counter() - started) * 1000)
        row = ReceivedReferral.objects.get(envelope=arrival.envelope)
        started = time.perf_counter()
        route_received_referral(row, actor=focal, agency=sbs)
        routed_ms.append((time.perf_counter() - started) * 1000)
        row.refresh_from_db()
        assert row.local_referral is not None
        started = time.perf_counter()
        accept_referral(row.local_referral, actor=officer)
        accepted_ms.append((time.perf_counter() - started) * 1000)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.referrals} referrals received, routed and accepted on {database}")
    print(f"receive (verify, store, receipt): {percentiles(received_ms)}")
    print(f"route (person, case, consent, in-country referral sent): {percentiles(routed_ms)}")
    print(f"accept (in-country step, `accepted` envelope by the hook): {percentiles(accepted_ms)}")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
