"""Field collection: writing the XLSForm, converting it with pyxform, importing a KoboToolbox
export of N submissions (each evaluated and saved by `submit_screening`), importing it again
(every row a duplicate), delivering one webhook event per screening to a loopback receiver,
and pruning those deliveries once they are past the retention period.
Throwaway SQLite database, or the PostgreSQL URL given. Prints the figures and the machine.

Run: .venv/bin/python bench/fieldwork_bench.py [--submissions 500]
     [--database-url postgresql://postgres@127.0.0.1:5432/amparo_bench_fieldwork]
"""

import argparse
import base64
import datetime as dt
import json
import os
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _common import machine, setup_django

ANSWERS = [
    {"age_years": "15", "sex": "male", "nationality": "GT", "country_of_identification": "MX",
     "travelling_alone": "yes", "fear_of_return": "no"},
    {"age_years": "27", "sex": "female", "nationality": "HN", "country_of_identification": "MX",
     "fear_of_return": "yes", "persecution_grounds": "gang_violence",
     "deceptive_job_offer": "yes", "documents_held_by_other": "yes"},
]  # fmt: skip


class _Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def _timed(label: str, action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    for name in ("AMPARO_AUDIT_KEY", "AMPARO_CHECKPOINT_KEY"):  # _common predates these keys
        os.environ.setdefault(name, base64.urlsafe_b64encode(os.urandom(32)).decode())
    setup_django(options.database_url)

    from django.utils import timezone
    from pyxform.xls2xform import convert

    from amparo.accounts.domain.reference import load_reference_data
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.enums import Role
    from amparo.accounts.models import Agency
    from amparo.fieldwork.domain.deliveries import deliver_due, prune_deliveries
    from amparo.fieldwork.domain.submissions import import_submissions
    from amparo.fieldwork.domain.webhooks import register_webhook
    from amparo.fieldwork.formcodec import form_version
    from amparo.fieldwork.interfaces.submissions import read_submissions
    from amparo.fieldwork.interfaces.xlsform import write_xlsform
    from amparo.fieldwork.models import Delivery
    from amparo.screening.protocol import load_protocol

    load_reference_data()
    agency = Agency.objects.get(code="mx-oim")
    officer = create_staff_user(
        "bench.officer", password="x-Bench-2026!", memberships=[(agency, Role.CASE_MANAGER)]
    )
    admin = create_staff_user(
        "bench.admin", password="x-Bench-2026!", memberships=[(agency, Role.ADMINISTRATOR)]
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    register_webhook(
        actor=admin, agency=agency, partner=Agency.objects.get(code="mx-acnur"),
        url=f"http://127.0.0.1:{server.server_address[1]}/hook", events=["screening.created"],
    )  # fmt: skip

    out = Path(tempfile.mkdtemp()) / "rcm.xlsx"
    protocol = load_protocol("rcm-2013")
    _timed("write the XLSForm", lambda: write_xlsform(protocol, out))
    _timed("pyxform conversion to XForm", lambda: convert(xlsform=str(out)))

    version = form_version(protocol)
    results = [
        {
            **{f"g/{k}": v for k, v in ANSWERS[i % 2].items()},
            "amparo_protocol": version,
            "meta/instanceID": f"uuid:{uuid.uuid4()}",
        }
        for i in range(options.submissions)
    ]
    data = json.dumps({"results": results}).encode()
    print(f"submissions: {options.submissions}, file: {len(data) / 1024:.0f} KiB")
    rows = read_submissions("bench.json", data, "kobo-json")
    first = _timed(
        "first import",
        lambda: import_submissions(rows, actor=officer, agency=agency, source="kobo-json"),
    )
    print(f"  imported {first.count('imported')}, refused {first.count('refused')}")
    again = _timed(
        "second import (all duplicates)",
        lambda: import_submissions(rows, actor=officer, agency=agency, source="kobo-json"),
    )
    print(f"  duplicates {again.count('duplicate')}")
    counts = _timed("deliver the webhook events", lambda: deliver_due(limit=options.submissions))
    print(f"  delivered {counts.delivered}, withheld {counts.withheld}")
    server.shutdown()
    Delivery.objects.update(created_at=timezone.now() - dt.timedelta(days=100))
    pruned = _timed(
        "prune the deliveries older than 90 days",
        lambda: prune_deliveries(actor=None, older_than=dt.timedelta(days=90)),
    )
    print(f"  deleted {pruned}")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
