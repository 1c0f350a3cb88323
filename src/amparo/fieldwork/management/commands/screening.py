"""`amparo screening ...`: screening with the collection tools staff already carry.

- `xlsform --protocol rcm-2013 --out FILE.xlsx [--lang es]` writes the protocol as an XLSForm
  for KoboToolbox or ODK (no database needed).
- `import-submissions FILE [--format kobo-json|odk-csv] --agency CODE [--user USERNAME]`
  imports a KoboToolbox JSON or ODK Central CSV export as screenings of the agency, saved in
  the name of the staff member who answers for the import (`--user`) or, without it, of the
  staff member who sent each submission from the tool (Kobo's `_submitted_by`, ODK's
  `SubmitterName`, which must be their Amparo username). One line per submission:
  imported, skipped as duplicate, or refused with its line and field. Exit status 1 when any
  submission was refused (the others are imported all the same).
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.fieldwork.domain.submissions import (
    import_submissions,
    import_submissions_as_submitters,
)
from amparo.fieldwork.enums import SubmissionFormat
from amparo.fieldwork.interfaces.submissions import (
    SubmissionFileError,
    guess_format,
    read_submissions,
)
from amparo.fieldwork.interfaces.xlsform import FormEncodingError, write_xlsform
from amparo.lib.datafiles import DataFileError
from amparo.screening.enums import TEXT_LANGUAGES
from amparo.screening.protocol import ProtocolNotFoundError, load_protocol


class Command(BaseCommand):
    help = "Screening in the field: xlsform, import-submissions."
    requires_system_checks: list[str] = []  # writing a form needs only the protocol files

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        form = sub.add_parser("xlsform", help="write a protocol as an XLSForm (.xlsx)")
        form.add_argument("--protocol", default="rcm-2013", help="protocol id (default: rcm-2013)")
        form.add_argument("--out", required=True, type=Path, metavar="FILE.xlsx")
        form.add_argument("--lang", default="es", choices=TEXT_LANGUAGES, help="default language")
        imp = sub.add_parser(
            "import-submissions", help="import KoboToolbox or ODK submissions as screenings"
        )
        imp.add_argument("file", type=Path, metavar="FILE")
        imp.add_argument(
            "--format",
            choices=SubmissionFormat.values,
            help="kobo-json or odk-csv (default: from the file name, .csv is odk-csv)",
        )
        imp.add_argument("--agency", required=True, metavar="CODE", help="the agency's code")
        imp.add_argument(
            "--user",
            metavar="USERNAME",
            help="who answers for the import (default: each submission's own submitter, "
            "_submitted_by or SubmitterName, as an Amparo username)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "xlsform":
            self._xlsform(options)
        else:
            self._import(options)

    def _xlsform(self, options: dict[str, Any]) -> None:
        try:
            protocol = load_protocol(options["protocol"])
            write_xlsform(protocol, options["out"], lang=options["lang"])
        except (ProtocolNotFoundError, DataFileError, FormEncodingError) as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{options['out']}: cannot be written ({error.strerror})") from None
        self.stdout.write(f"{options['out']}: {protocol.id} {protocol.version}")

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"--agency: no agency with the code {options['agency']!r}")
        actor = None
        if options["user"] is not None:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"--user: no active user {options['user']!r}")
        source = options["format"] or guess_format(path.name)
        try:
            submissions = read_submissions(str(path), path.read_bytes(), source)
            if actor is None:
                report = import_submissions_as_submitters(submissions, agency=agency, source=source)
            else:
                report = import_submissions(submissions, actor=actor, agency=agency, source=source)
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror})") from None
        except SubmissionFileError as error:
            raise CommandError(str(error)) from None
        except PermissionDenied as error:
            raise CommandError(f"--user: {error}") from None
        for row in report.rows:
            self.stdout.write(str(row))
        counts = {name: report.count(name) for name in ("imported", "duplicate", "refused")}
        summary = _(
            "imported: %(imported)s, skipped as duplicate: %(duplicate)s, refused: %(refused)s"
        )
        self.stdout.write(summary % counts)
        if counts["refused"]:
            raise SystemExit(1)
