"""`amparo demo`: prepare a demo database (idempotent) and serve it."""

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from amparo.accounts.domain.reference import load_reference_data
from amparo.accounts.models import Country, User
from amparo.demo import seed as demo
from amparo.federation.demo import serve_two_nodes
from amparo.lib.env import env_int
from amparo.protection import crypto
from amparo.protection.domain.audit import head_is_keyed, record_event, rekey_chain
from amparo.protection.domain.keys import assert_keys_usable
from amparo.protection.enums import AuditAction
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.models import Service
from amparo.training.domain.content import load_content
from amparo.training.domain.demo import seed_demo_programme


class Command(BaseCommand):
    help = "Migrate, load reference data and synthetic demo data if absent, then serve."
    requires_system_checks: list[str] = []  # the key file may not exist yet

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="prepare only; do not serve")
        parser.add_argument("--cases", type=int, default=200, help="synthetic cases to create")
        parser.add_argument(
            "--federation",
            action="store_true",
            help="two national nodes: Mexico on PORT and Guatemala on PORT+1, pinned to each other",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["federation"]:
            serve_two_nodes(env_int("PORT", 8000, minimum=1), options["cases"], self.stdout.write)
            return
        # The demo relaxes two-factor authentication unless the caller chose otherwise; the
        # served process inherits the variable.
        relaxed = os.environ.setdefault("AMPARO_REQUIRE_2FA", "false") == "false"
        # Choosing the demo allows its public secret key in the served process (see serve).
        os.environ.setdefault("AMPARO_DEMO", "true")
        self._ensure_key_file()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not head_is_keyed():
            rekeyed = rekey_chain()
            self.stdout.write(f"Audit chain keyed: {rekeyed.rekeyed} older events re-keyed.")
        assert_keys_usable()
        if not Country.objects.exists():
            counts = load_reference_data()
            record_event(
                AuditAction.REFERENCE_LOADED, actor=None, payload={"agencies": counts.agencies}
            )
            self.stdout.write(
                f"Reference data: {counts.countries} countries, {counts.agencies} agencies."
            )
        if not Service.objects.exists():
            seeded = seed_directory_from_agencies()
            self.stdout.write(
                f"Service directory: {seeded.services_created} services from the institutions."
            )
        report = load_content()
        self.stdout.write(
            f"Training content: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged."
        )
        if not demo.demo_accounts_exist():
            accounts = demo.create_demo_accounts()
            seed_demo_programme(
                trainer=User.objects.get(username="trainer.mx"),
                trainees=list(User.objects.filter(username="trainee.mx")),
            )
            cases = demo.seed_demo_cases(options["cases"])
            record_event(AuditAction.DEMO_SEEDED, actor=None, payload={"cases": cases})
            self.stdout.write(f"Created {len(accounts)} demo accounts and {cases} SYNTHETIC cases.")
        else:
            self.stdout.write("Demo data already present: kept as it is.")
        self._print_accounts(relaxed)
        if not options["no_serve"]:
            call_command("serve")

    def _ensure_key_file(self) -> None:
        path = settings.AMPARO_KEY_FILE
        if settings.AMPARO_KEYS:
            return
        if path.exists():
            added = crypto.add_missing_keys(path)
            if added:
                self.stdout.write(f"Added {', '.join(added)} to the demo's key file {path}.")
            return
        crypto.write_key_file(path, crypto.new_key_file_content())
        self.stdout.write(
            f"Generated encryption keys for this demo in {path} (owner-only). "
            "Keep that file apart from the database on a real node."
        )

    def _print_accounts(self, relaxed_2fa: bool) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (all synthetic), password: {demo.DEMO_PASSWORD}")
        for username, agency, role in demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<16} {role.label:<32} {agency}")
        others = ", ".join(f"manager.{c}" for c in demo.COUNTRY_MANAGERS)
        self.stdout.write(f"  Case managers at IOM in the other countries: {others}")
        self.stdout.write(
            "  and their supervisors: supervisor.gt, supervisor.hn, ... (same pattern)"
        )
        if relaxed_2fa:
            self.stdout.write(
                "  Two-factor authentication is relaxed for this demo (AMPARO_REQUIRE_2FA=false)."
            )
        self.stdout.write("")
