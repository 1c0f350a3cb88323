"""Two real nodes for the two-process tests: each its own data folder, key file, SQLite
database and gunicorn process on loopback. Everything here is synthetic.

The helpers at the bottom run *inside* a node (through `amparo shell -c`), so the test drives
each node only through its own commands, database and HTTP, as two countries would.
"""

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from amparo.protection import crypto

AMPARO = [sys.executable, "-m", "amparo"]
# Never import tests.conftest inside a node: it swaps the key ring for the test suite's keys.
PASSWORD = "synthetic-node-password-1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Node:
    """One country's node as a set of processes sharing a data folder."""

    def __init__(self, country: str, folder: Path) -> None:
        self.country = country
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        crypto.write_key_file(folder / "keys.json", crypto.new_key_file_content())
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AMPARO_", "DATABASE_URL", "DJANGO_"))
        }
        self.env.update(
            {
                "AMPARO_DATA_DIR": str(folder),
                "AMPARO_KEY_FILE": str(folder / "keys.json"),
                "AMPARO_REQUIRE_2FA": "false",
                "PORT": str(self.port),
                "AMPARO_WORKERS": "1",
                "AMPARO_SECRET_KEY": secrets.token_urlsafe(48),
            }
        )

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(  # noqa: S603  (our own command, fixed arguments)
            [*AMPARO, *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{self.country} {args}: {done.returncode}\n{done.stderr}")
        return done

    def call(self, function: str, *args: Any) -> Any:
        """Run a helper of this module inside the node; its JSON answer is returned."""
        code = f"from tests.federation import nodes; nodes.entry({function!r})"
        env = {**self.env, "NODE_CALL_ARGS": json.dumps(args)}
        done = subprocess.run(  # noqa: S603
            [*AMPARO, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise AssertionError(f"{self.country} {function}: {done.stderr}")
        out = done.stdout
        line = next(row for row in out.splitlines() if row.startswith("RESULT="))
        return json.loads(line.removeprefix("RESULT="))

    def start(self) -> None:
        log = (self.folder / "server.log").open("ab")
        self.server = subprocess.Popen(  # noqa: S603
            [*AMPARO, "serve"],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group: kill -9 reaches the workers too
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        log_text = (self.folder / "server.log").read_text(errors="replace")[-2000:]
        raise AssertionError(f"{self.country} node did not start on {self.url}:\n{log_text}")

    def kill(self) -> None:
        """kill -9 the whole server, workers included."""
        if self.server is not None:
            os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(timeout=30)
            self.server = None

    def set_up(self) -> None:
        """Migrate, load the reference data, create this node's identity, write its card."""
        self.run("migrate", "--verbosity", "0")
        self.run("load_reference")
        self.run("node", "init", "--country", self.country, "--url", self.url)
        self.run("node", "card", "--out", str(self.folder / "card.json"))

    def trust(self, other: "Node") -> None:
        self.run("node", "trust", str(other.folder / "card.json"), "--yes")


# Helpers below run inside a node process.


def entry(function: str) -> None:
    args = json.loads(os.environ["NODE_CALL_ARGS"])
    print("RESULT=" + json.dumps(globals()[function](*args)))


def count_inbound(kind: str) -> int:
    from amparo.federation.models import InboundEnvelope

    return InboundEnvelope.objects.filter(kind=kind).count()


def received_referrals() -> list[dict[str, Any]]:
    from amparo.federation.models import ReceivedReferral

    return [
        {
            "status": r.status,
            "kind": r.kind,
            "addressed_to": r.addressed_to.code if r.addressed_to else None,
        }
        for r in ReceivedReferral.objects.select_related("addressed_to")
    ]


def outbox() -> list[dict[str, Any]]:
    from amparo.federation.models import OutboundEnvelope

    return [
        {
            "id": str(e.envelope_id),
            "kind": e.kind,
            "status": e.status,
            "attempts": e.attempts,
            "receipt": e.receipt_at is not None,
        }
        for e in OutboundEnvelope.objects.order_by("id")
    ]


def sealed(kind: str) -> str:
    from amparo.federation.models import OutboundEnvelope

    return OutboundEnvelope.objects.filter(kind=kind).order_by("id").last().sealed  # type: ignore[union-attr]


def steps() -> list[str]:
    from amparo.federation.models import CrossBorderStep

    return [s.kind for s in CrossBorderStep.objects.order_by("at", "id")]


def referral_status() -> str:
    from amparo.federation.models import CrossBorderReferral

    return CrossBorderReferral.objects.order_by("id").last().status  # type: ignore[union-attr]


def audit_codes(action: str) -> list[str]:
    from amparo.protection.models import AuditEvent

    return [str(e.payload.get("code", "")) for e in AuditEvent.objects.filter(action=action)]


def _staff(username: str, agency_code: str, role: str) -> Any:
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.models import Agency, User

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    agency = Agency.objects.get(code=agency_code)
    return create_staff_user(username, password=PASSWORD, memberships=[(agency, role)])


def approve_a_referral(agency_code: str) -> int:
    """A synthetic case in Mexico, consent to this institution, drafted and approved."""
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.casework.domain.consent import ConsentInput, record_consent
    from amparo.federation.domain.crossborder import (
        approve_cross_border_referral,
        draft_cross_border_referral,
    )
    from amparo.people.domain.cases import PersonData, open_case, register_person

    manager = _staff("ana.mx", "mx-oim", Role.CASE_MANAGER)
    focal = _staff("fabiola.fp.mx", "mx-pfpnna", Role.FOCAL_POINT)
    person = register_person(
        PersonData(
            given_names="Xiomarafake",
            first_surname="Quetzalsynth",
            sex="female",
            birth_date=dt.date(1990, 5, 17),
            nationalities=["HN"],
            languages=["es"],
        ),
        actor=manager,
        is_synthetic=True,
    )
    oim = Agency.objects.get(code="mx-oim")
    case = open_case(person, actor=manager, agency=oim, assigned_to=manager)
    recipient = Agency.objects.get(code=agency_code)
    consent = ConsentInput(
        purpose="cross_border", method="written", language="es", recipient=recipient
    )
    record_consent(case, consent, actor=manager)
    referral = draft_cross_border_referral(
        case, actor=manager, recipient_agency=recipient, kind="continuity_of_care"
    )
    return approve_cross_border_referral(referral, actor=focal).pk


def route_accept_and_report(agency_code: str) -> str:
    """On the receiving node: the focal point routes (an in-country referral of a case opened
    here), then the institution acknowledges, accepts and completes that referral with issue
    5's own actions, as from its referral pages; each step reaches the sender by the hook."""
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.federation.domain import received as flow
    from amparo.federation.models import ReceivedReferral
    from amparo.referrals.domain.actions import act_on_referral

    focal = _staff("gerardo.fp.gt", "gt-pgn", Role.FOCAL_POINT)
    officer = _staff("rosa.ro.gt", agency_code, Role.RECEIVING_OFFICER)
    row = ReceivedReferral.objects.order_by("id").last()
    assert row is not None
    flow.route_received_referral(row, actor=focal, agency=Agency.objects.get(code=agency_code))
    row.refresh_from_db()
    assert row.local_referral is not None
    act_on_referral(officer, row.local_referral, "acknowledge")
    act_on_referral(officer, row.local_referral, "accept")
    act_on_referral(officer, row.local_referral, "complete", outcome="Care continued at a clinic.")
    row.refresh_from_db()
    return row.status


def route_and_accept(agency_code: str) -> dict[str, Any]:
    """Route the newest received referral and accept its in-country referral."""
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.federation.domain import received as flow
    from amparo.federation.models import ReceivedReferral
    from amparo.referrals.domain.actions import act_on_referral

    focal = _staff("gerardo.fp.gt", "gt-pgn", Role.FOCAL_POINT)
    officer = _staff("rosa.ro.gt", agency_code, Role.RECEIVING_OFFICER)
    row = ReceivedReferral.objects.order_by("id").last()
    assert row is not None
    flow.route_received_referral(row, actor=focal, agency=Agency.objects.get(code=agency_code))
    row.refresh_from_db()
    assert row.local_referral is not None
    assert row.case is not None
    act_on_referral(officer, row.local_referral, "accept")
    return {"case": row.case.pk, "referral": row.local_referral.pk}


def received_state() -> dict[str, Any]:
    """The newest received referral, its in-country referral and the person opened here."""
    from amparo.federation.models import ReceivedReferral

    row = (
        ReceivedReferral.objects.select_related("local_referral", "case__person")
        .order_by("id")
        .last()
    )
    assert row is not None
    return {
        "status": row.status,
        "referral": row.local_referral.status if row.local_referral else None,
        "given_names": row.case.person.given_names if row.case else None,
    }


def case_with_consent(agency_code: str) -> str:
    """A synthetic Mexican case with consent to this institution; its reference."""
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.casework.domain.consent import ConsentInput, record_consent
    from amparo.people.domain.cases import PersonData, open_case, register_person

    manager = _staff("ana.mx", "mx-oim", Role.CASE_MANAGER)
    _staff("fabiola.fp.mx", "mx-pfpnna", Role.FOCAL_POINT)
    person = register_person(
        PersonData(given_names="Yaretzifake", first_surname="Synthcruz", sex="female"),
        actor=manager,
        is_synthetic=True,
    )
    case = open_case(person, actor=manager, agency=Agency.objects.get(code="mx-oim"))
    recipient = Agency.objects.get(code=agency_code)
    consent = ConsentInput(purpose="cross_border", method="written", recipient=recipient)
    record_consent(case, consent, actor=manager)
    return case.reference


def withdraw_newest_consent() -> list[str]:
    """Withdraw the consent of the newest approved referral; the outbox right after."""
    from amparo.accounts.models import User
    from amparo.casework.domain.consent import withdraw_consent
    from amparo.federation.models import CrossBorderReferral, OutboundEnvelope

    referral = CrossBorderReferral.objects.exclude(basis=None).order_by("id").last()
    assert referral is not None
    assert referral.basis is not None
    withdraw_consent(referral.basis, actor=User.objects.get(username="ana.mx"))
    return [e.kind for e in OutboundEnvelope.objects.filter(status="pending").order_by("id")]


def approve_referrals(agency_code: str, count: int) -> float:
    """For the delivery benchmark: `count` referrals of one synthetic case, each drafted and
    approved (sealed and queued) through the domain; returns the seconds it took."""
    import time as clock

    from amparo.accounts.models import Agency
    from amparo.federation.domain.crossborder import (
        approve_cross_border_referral,
        draft_cross_border_referral,
    )
    from amparo.federation.models import CrossBorderReferral

    first = approve_a_referral(agency_code)
    referral = CrossBorderReferral.objects.select_related("case", "drafted_by").get(pk=first)
    focal = referral.approved_by
    recipient = Agency.objects.get(code=agency_code)
    started = clock.perf_counter()
    for _ in range(count - 1):
        draft = draft_cross_border_referral(
            referral.case,
            actor=referral.drafted_by,
            recipient_agency=recipient,
            kind="continuity_of_care",
        )
        approve_cross_border_referral(draft, actor=focal)  # type: ignore[arg-type]
    return clock.perf_counter() - started


def receipts_recorded() -> int:
    from amparo.federation.models import OutboundEnvelope

    return OutboundEnvelope.objects.filter(kind="referral", receipt_at__isnull=False).count()


def approval_to_receipt_ms() -> list[float]:
    from amparo.federation.models import CrossBorderReferral, OutboundEnvelope

    approved = dict(CrossBorderReferral.objects.values_list("envelope_id", "approved_at"))
    return [
        (receipt - approved[envelope]).total_seconds() * 1000
        for envelope, receipt in OutboundEnvelope.objects.filter(
            kind="referral", receipt_at__isnull=False
        ).values_list("envelope_id", "receipt_at")
    ]
