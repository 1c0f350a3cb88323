"""`amparo audit verify|checkpoint|rekey`: check, sign and re-key the audit chain."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.protection.crypto import KeyRingError, add_missing_keys
from amparo.protection.domain import checkpoints
from amparo.protection.domain.audit import ChainBrokenError, rekey_chain, verify_chain


class Command(BaseCommand):
    help = (
        "Audit log tools. 'verify [--checkpoint FILE_OR_DIR ...]' checks the keyed hash chain "
        "from the first event and that no event a checkpoint signed is missing; 'checkpoint "
        "--out FILE' (or '--dir DIR', for cron) writes a signed checkpoint of the chain's head; "
        "'rekey' keys a chain written before the audit key existed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "rekey"])
        parser.add_argument(
            "--checkpoint",
            action="append",
            type=Path,
            default=[],
            help="verify: a checkpoint file, or a folder of them (repeatable)",
        )
        parser.add_argument("--out", type=Path, help="checkpoint: the file to write")
        parser.add_argument(
            "--dir", type=Path, help="checkpoint: a folder; the file is named by the time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "checkpoint":
                self._checkpoint(options["out"], options["dir"])
            elif options["action"] == "rekey":
                self._rekey()
            else:
                self._verify(options["checkpoint"])
        except KeyRingError as exc:
            raise CommandError(str(exc)) from None

    def _verify(self, paths: list[Path]) -> None:
        files = _checkpoint_files(paths)
        try:
            signed = [(path, checkpoints.read_checkpoint(path)) for path in files]
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from None
        report = verify_chain()
        failed = not report.intact
        if failed:
            self.stderr.write(
                f"Audit chain BROKEN at event #{report.first_broken_id}: {report.problem} "
                f"({report.checked - 1} events before it verified)."
            )
        for path, content in signed:
            outcome = checkpoints.check_against_chain(content, report)
            if not outcome.ok:
                failed = True
                self.stderr.write(f"Audit chain TRUNCATED ({path}): {outcome.problem}.")
        if failed:
            raise SystemExit(1)
        against = f", {len(signed)} checkpoint(s) reached" if signed else ""
        self.stdout.write(f"Audit chain intact: {report.checked} events verified{against}.")

    def _checkpoint(self, out: Path | None, directory: Path | None) -> None:
        if (out is None) == (directory is None):
            raise CommandError("Give exactly one of --out FILE or --dir DIR.")
        path = out if out is not None else checkpoints.periodic_checkpoint_path(directory)  # type: ignore[arg-type]
        if path.exists():
            raise CommandError(f"{path} exists already: a checkpoint is never overwritten.")
        content = checkpoints.make_checkpoint()
        checkpoints.write_checkpoint(path, content)
        self.stdout.write(
            f"Checkpoint written to {path}: {content['count']} events, head "
            f"#{content['head_id']}. Keep a copy off this machine."
        )

    def _rekey(self) -> None:
        if not settings.AMPARO_KEYS:
            path = Path(settings.AMPARO_KEY_FILE)
            added = add_missing_keys(path)
            if added:
                self.stdout.write(f"Added {', '.join(added)} to the key file {path}.")
        try:
            report = rekey_chain()
        except ChainBrokenError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Audit chain keyed: {report.rekeyed} events re-keyed, "
            f"{report.already_keyed} already keyed."
        )


def _checkpoint_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise CommandError(f"{path}: no checkpoint (*.json) in this folder.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path}: no such checkpoint file or folder.")
    return files
