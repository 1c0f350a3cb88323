"""Envelope cryptography: sign + encrypt (seal) and decrypt + verify + schema check (open)
of a referral envelope with a realistic minimum data set, envelopes per second.

Run: .venv/bin/python bench/federation_envelope_bench.py [--envelopes 2000]
"""

import argparse
import os
import time
import uuid

from _common import machine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--envelopes", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    import django

    django.setup()
    import datetime as dt

    from joserfc.jwk import OKPKey

    from amparo.federation.domain.envelope import new_content, open_sealed, seal

    sender_sign = OKPKey.generate_key("Ed25519")
    recipient_encrypt = OKPKey.generate_key("X25519")
    recipient_public = recipient_encrypt.as_dict(private=False)
    sender_public = sender_sign.as_dict(private=False)
    contents = [
        new_content(
            "referral",
            sender=str(uuid.uuid4()),
            recipient=str(uuid.uuid4()),
            sender_country="MX",
            recipient_country="GT",
            ttl=dt.timedelta(days=14),
            case_ref="3f1c2a9be07d44c1a5e8b6d0",
            referral={
                "kind": "family_tracing_return",
                "urgency": "urgent",
                "institution": "gt-pgn",
                "narrative": "",
                "data": {
                    "given_names": f"Synthetica {i}",
                    "first_surname": "Fakerosa",
                    "second_surname": "Inventada",
                    "sex": "female",
                    "birth_date": "2011-04-02",
                    "nationalities": ["GT"],
                    "languages": ["es", "kek"],
                    "guardian": None,
                    "profiles": ["unaccompanied_child"],
                    "urgency": "urgent",
                },
            },
            consent={
                "legal_basis": "consent",
                "purpose": "cross_border",
                "recipient_country": "GT",
                "recipient_institution": "gt-pgn",
                "date": "2026-11-30",
                "expires": None,
                "method": "written",
                "language": "es",
                "interpreter": True,
                "text_sha256": "a" * 64,
            },
        )
        for i in range(args.envelopes)
    ]
    started = time.perf_counter()
    sealed = [seal(c, signing_key=sender_sign, recipient_key=recipient_public) for c in contents]
    sealed_s = time.perf_counter() - started
    started = time.perf_counter()
    for token in sealed:
        open_sealed(token, decryption_keys=[recipient_encrypt], sender_key=sender_public)
    opened_s = time.perf_counter() - started
    n = args.envelopes
    size = sum(len(t) for t in sealed) / n
    print(f"machine: {machine()}")
    print(f"envelopes: {n}, mean sealed size {size:.0f} bytes")
    print(
        f"seal (sign + encrypt): {n / sealed_s:.0f} envelopes/s ({sealed_s * 1000 / n:.2f} ms each)"
    )
    each = opened_s * 1000 / n
    print(f"open (decrypt + verify + schema): {n / opened_s:.0f} envelopes/s ({each:.2f} ms each)")
    total = sealed_s + opened_s
    print(f"round trip (seal + open): {n / total:.0f} envelopes/s")


if __name__ == "__main__":
    main()
