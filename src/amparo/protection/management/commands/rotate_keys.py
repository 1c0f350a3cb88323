from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.protection.crypto import KeyRingError
from amparo.protection.domain.keys import assert_keys_usable, reencrypt_all, rotate_key_file


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal field under a new key. With a key file, a new key is added "
        "first; with AMPARO_KEYS, put the new key first yourself and use --reencrypt-only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retire-old", action="store_true", help="drop the old keys once all is re-encrypted"
        )
        parser.add_argument(
            "--reencrypt-only", action="store_true", help="re-encrypt under the current first key"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            assert_keys_usable()
            if options["reencrypt_only"]:
                report = reencrypt_all()
            else:
                report = rotate_key_file(retire_old=options["retire_old"])
        except KeyRingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Re-encrypted {report.values} values in {report.rows} rows; "
            f"{report.keys_in_ring} key(s) now in the ring."
        )
