from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.protection.crypto import KeyRingError
from amparo.protection.domain.index_keys import rotate_index_key
from amparo.protection.domain.keys import assert_keys_usable, reencrypt_all, rotate_key_file


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal field under a new key. With a key file, a new key is added "
        "first; with AMPARO_KEYS, put the new key first yourself and use --reencrypt-only. "
        "--index rotates the blind-index key instead, re-deriving every digest; stop the "
        "service first; if interrupted, run it again: it resumes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retire-old", action="store_true", help="drop the old keys once all is re-encrypted"
        )
        parser.add_argument(
            "--reencrypt-only", action="store_true", help="re-encrypt under the current first key"
        )
        parser.add_argument(
            "--index", action="store_true", help="rotate the blind-index key (resumable)"
        )
        parser.add_argument(
            "--batch-size", type=int, default=200, help="--index: rows per committed batch"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["index"]:
                self._rotate_index(options["batch_size"])
                return
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

    def _rotate_index(self, batch_size: int) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        report = rotate_index_key(batch_size=batch_size)
        resumed = " (resumed an interrupted rotation)" if report.resumed else ""
        self.stdout.write(
            f"Blind-index key rotated{resumed}: {report.rows} rows re-derived from "
            f"{report.sources} sources."
        )
