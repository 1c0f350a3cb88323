"""`amparo serve`: serve an existing database with gunicorn (a production WSGI server)."""

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amparo.lib.env import env_int
from amparo.protection.crypto import KeyRingError
from amparo.protection.domain.keys import assert_keys_usable, assert_secret_key_chosen


class Command(BaseCommand):
    help = (
        "Serve Amparo with gunicorn on 127.0.0.1 (PORT, default 8000; AMPARO_WORKERS, default 2)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        port = env_int("PORT", 8000, minimum=1)
        workers = env_int("AMPARO_WORKERS", 2, minimum=1)
        host = os.environ.get("AMPARO_BIND", "127.0.0.1")
        try:
            assert_secret_key_chosen()
            assert_keys_usable()
        except KeyRingError as exc:
            raise CommandError(f"Amparo cannot start: {exc}") from None
        self.stdout.write(f"Serving Amparo on http://{host}:{port}/ (Ctrl+C stops it)")
        self.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "amparo.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers),
            "--no-control-socket", "--access-logfile", "-", "--timeout", "60",
        ]  # fmt: skip
        os.execv(sys.executable, argv)  # noqa: S606  (replace this process with gunicorn)
