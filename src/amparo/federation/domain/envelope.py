"""The envelope: JSON content signed by the sender (JWS, Ed25519), then encrypted to the
recipient (JWE compact, ECDH-ES+A256KW with X25519, A256GCM).

These functions take keys as arguments and touch no database, so a benchmark or another
node's test can use them directly. The outer header names the sender (`snd`), the recipient
(`rcp`) and the recipient key (`kid`) so a node can refuse an envelope that is not for it
without decrypting anything; the signed content repeats them, and must agree.
"""

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwe import JWERegistry
from joserfc.jwk import OKPKey
from jsonschema import Draft202012Validator

from amparo.federation.enums import RefusalCode

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "envelope.schema.json"
SIGNING_ALGORITHM = "Ed25519"
KEY_ALGORITHM = "ECDH-ES+A256KW"
CONTENT_ALGORITHM = "A256GCM"
ENVELOPE_TYPE = "amparo-envelope+jwe"
MAX_ENVELOPE_BYTES = 256 * 1024

_JWE_REGISTRY = JWERegistry(
    algorithms=[KEY_ALGORITHM, CONTENT_ALGORITHM], strict_check_header=False
)


class EnvelopeRefused(Exception):
    """An envelope this node will not take, with the code sent back to the sender."""

    def __init__(self, code: RefusalCode, detail: str, envelope_id: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.envelope_id = envelope_id


@dataclass(frozen=True)
class OuterHeader:
    sender: str
    recipient: str
    kid: str


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def new_content(
    kind: str,
    *,
    sender: str,
    recipient: str,
    sender_country: str,
    recipient_country: str,
    ttl: dt.timedelta,
    in_reply_to: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """The content of a new envelope, with its id and times."""
    created = now_utc()
    content: dict[str, Any] = {
        "v": 1,
        "envelope": str(uuid.uuid4()),
        "type": kind,
        "sender": sender,
        "recipient": recipient,
        "sender_country": sender_country,
        "recipient_country": recipient_country,
        "created": iso(created),
        "expires": iso(created + ttl),
        "in_reply_to": in_reply_to,
    }
    content.update(fields)
    check_content(content)
    return content


def check_content(content: Mapping[str, Any]) -> None:
    """Refuse content that does not follow the schema, naming the first wrong field."""
    errors = sorted(_validator().iter_errors(content), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise EnvelopeRefused(
            RefusalCode.MALFORMED, f"{where}: {first.message}", str(content.get("envelope", ""))
        )


def seal(
    content: Mapping[str, Any], *, signing_key: OKPKey, recipient_key: Mapping[str, Any]
) -> str:
    """Sign the content with the sender's key, then encrypt the signed form to the recipient."""
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    signed = jws.serialize_compact(
        {"alg": SIGNING_ALGORITHM, "kid": signing_key.thumbprint(), "typ": "amparo-envelope+jws"},
        payload.encode("utf-8"),
        signing_key,
        algorithms=[SIGNING_ALGORITHM],
    )
    encryption_key = OKPKey.import_key(dict(recipient_key))
    header = {
        "alg": KEY_ALGORITHM,
        "enc": CONTENT_ALGORITHM,
        "kid": encryption_key.thumbprint(),
        "typ": ENVELOPE_TYPE,
        "snd": content["sender"],
        "rcp": content["recipient"],
    }
    return jwe.encrypt_compact(
        header, signed.encode("ascii"), encryption_key, registry=_JWE_REGISTRY
    )


def read_outer_header(token: str) -> OuterHeader:
    """Who the envelope claims to be from and for, before any decryption."""
    if len(token) > MAX_ENVELOPE_BYTES:
        raise EnvelopeRefused(RefusalCode.MALFORMED, "the envelope is too large")
    try:
        headers = jwe.extract_compact(
            token.strip().encode("ascii"), registry=_JWE_REGISTRY
        ).headers()
    except (JoseError, ValueError, TypeError, UnicodeError):
        raise EnvelopeRefused(RefusalCode.MALFORMED, "not a compact JWE") from None
    try:
        if headers["typ"] != ENVELOPE_TYPE or headers["alg"] != KEY_ALGORITHM:
            raise KeyError("typ")
        return OuterHeader(str(headers["snd"]), str(headers["rcp"]), str(headers["kid"]))
    except KeyError:
        raise EnvelopeRefused(RefusalCode.MALFORMED, "the envelope header is incomplete") from None


def open_sealed(
    token: str, *, decryption_keys: Sequence[OKPKey], sender_key: Mapping[str, Any]
) -> dict[str, Any]:
    """Decrypt with this node's keys and verify the sender's signature under its pinned key.

    Raises EnvelopeRefused: `bad_signature` when the ciphertext or the signature does not
    verify (one changed byte, another signer), `malformed` when the content breaks the schema.
    """
    header = read_outer_header(token)
    keys = [k for k in decryption_keys if k.thumbprint() == header.kid]
    if not keys:
        raise EnvelopeRefused(RefusalCode.NOT_FOR_THIS_NODE, "sealed to a key this node lacks")
    try:
        signed = jwe.decrypt_compact(token.strip(), keys[0], registry=_JWE_REGISTRY).plaintext
    except (JoseError, ValueError):
        raise EnvelopeRefused(RefusalCode.BAD_SIGNATURE, "the encryption does not verify") from None
    if signed is None:
        raise EnvelopeRefused(RefusalCode.MALFORMED, "the envelope is empty")
    try:
        verified = jws.deserialize_compact(
            signed, OKPKey.import_key(dict(sender_key)), algorithms=[SIGNING_ALGORITHM]
        )
    except (JoseError, ValueError):
        raise EnvelopeRefused(RefusalCode.BAD_SIGNATURE, "the signature does not verify") from None
    try:
        content = json.loads(verified.payload)
    except ValueError:
        raise EnvelopeRefused(RefusalCode.MALFORMED, "the content is not JSON") from None
    if not isinstance(content, dict):
        raise EnvelopeRefused(RefusalCode.MALFORMED, "the content is not a JSON object")
    check_content(content)
    if (content["sender"], content["recipient"]) != (header.sender, header.recipient):
        raise EnvelopeRefused(
            RefusalCode.BAD_SIGNATURE,
            "the signed sender or recipient differs from the header",
            content["envelope"],
        )
    return content
