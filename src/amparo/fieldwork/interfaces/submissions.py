"""Reading the exports of the collection tools into submissions, each with where it came from.

- KoboToolbox JSON: the API's `/api/v2/assets/<uid>/data.json` answer (`{"results": [...]}`,
  paginated or not) or a plain list of submissions. Fields are keyed by group path
  (`identity/age_years`), values are strings, the instance id is `meta/instanceID` or `_uuid`.
- ODK Central CSV: the `.csv` export of a form. One header row; group paths joined with `-`
  (`identity-age_years`); the instance id is `meta-instanceID` or `KEY`.

A file that cannot be read at all raises `SubmissionFileError` naming the file and the line;
a single bad submission is reported by the import as refused, and the others go on.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.utils.translation import gettext as _

from amparo.fieldwork.domain.submissions import Submission
from amparo.fieldwork.enums import SubmissionFormat
from amparo.fieldwork.formcodec import PROTOCOL_FIELD, field_code

_KOBO_IDS = ("meta/instanceID", "_uuid")
_ODK_IDS = ("meta-instanceID", "KEY")


class SubmissionFileError(ValueError):
    """The file as a whole cannot be read; the message names the file and where."""


def _normalised_id(value: object) -> str:
    """`uuid:…` and the bare uuid are the same submission (Kobo's `_uuid` has no prefix)."""
    text = str(value or "").strip()
    return text.removeprefix("uuid:")


def _first(fields: dict[str, object], keys: tuple[str, ...]) -> str:
    return next((_normalised_id(fields[key]) for key in keys if fields.get(key)), "")


def _form_of(fields: dict[str, object]) -> str:
    values = [value for key, value in fields.items() if field_code(key) == PROTOCOL_FIELD]
    return str(values[0]).strip() if values else ""


def _kobo_items(name: str, data: object) -> list[object]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return list(data["results"])
    if isinstance(data, list):
        return data
    raise SubmissionFileError(
        _('%(file)s: expected a list of submissions or an object with "results"') % {"file": name}
    )


def _line_of(text: str, instance_id: str) -> int | None:
    position = text.find(instance_id) if instance_id else -1
    return text.count("\n", 0, position) + 1 if position >= 0 else None


def read_kobo_json(name: str, text: str) -> Iterator[Submission]:
    """The submissions of a KoboToolbox JSON export, each located by line where possible."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = _("%(file)s: line %(line)s: not valid JSON (%(problem)s)")
        raise SubmissionFileError(
            message % {"file": name, "line": error.lineno, "problem": error.msg}
        ) from None
    for index, item in enumerate(_kobo_items(name, data), start=1):
        fields = item if isinstance(item, dict) else {}
        instance_id = _first(fields, _KOBO_IDS)
        line = _line_of(text, instance_id)
        where = (
            _("%(file)s: line %(line)s (submission %(number)s)")
            if line
            else _("%(file)s: submission %(number)s")
        ) % {"file": name, "line": line, "number": index}
        yield Submission(where, instance_id, _form_of(fields), dict(fields))


def read_odk_csv(name: str, text: str) -> Iterator[Submission]:
    """The submissions of an ODK Central CSV export, each located by its line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise SubmissionFileError(
            _("%(file)s: line 1: the CSV file has no header row") % {"file": name}
        )
    try:
        for row in reader:
            # "group-question/choice" columns are ODK's optional split of a multiple choice;
            # the question's own column holds the same choices, space-separated.
            fields: dict[str, object] = {k: v for k, v in row.items() if k and "/" not in k}
            where = _("%(file)s: line %(line)s") % {"file": name, "line": reader.line_num}
            yield Submission(where, _first(fields, _ODK_IDS), _form_of(fields), fields)
    except csv.Error as error:
        message = _("%(file)s: line %(line)s: not valid CSV (%(problem)s)")
        raise SubmissionFileError(
            message % {"file": name, "line": reader.line_num, "problem": error}
        ) from None


def read_submissions(name: str, data: bytes, source: str) -> list[Submission]:
    """Every submission of a file in the given format (`SubmissionFormat`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = _("%(file)s: byte %(offset)s: the file is not UTF-8 text")
        raise SubmissionFileError(message % {"file": name, "offset": error.start}) from None
    if source == SubmissionFormat.KOBO_JSON:
        return list(read_kobo_json(name, text))
    if source == SubmissionFormat.ODK_CSV:
        return list(read_odk_csv(name, text))
    raise SubmissionFileError(
        _("%(file)s: unknown format %(format)s") % {"file": name, "format": source}
    )


def guess_format(name: str) -> str:
    """The format a file name suggests: `.csv` is ODK Central, anything else Kobo JSON."""
    return SubmissionFormat.ODK_CSV if name.lower().endswith(".csv") else SubmissionFormat.KOBO_JSON
