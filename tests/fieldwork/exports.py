"""Sample KoboToolbox JSON and ODK Central CSV exports, made from the XLSForm Amparo writes.

The fields are read from the form's survey sheet (group paths included), so a change in the
form shows up here as it would in the tools' exports. Every person here is synthetic.
"""

import csv
import io
import json
import uuid
from pathlib import Path

from openpyxl import load_workbook


def form_fields(xlsx: Path) -> dict[str, str]:
    """Field name to its group path (`section/field`), from the survey sheet."""
    sheet = load_workbook(xlsx)["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    kind, name = header.index("type"), header.index("name")
    groups: list[str] = []
    paths: dict[str, str] = {}
    for row in rows[1:]:
        if row[kind] == "begin_group":
            groups.append(str(row[name]))
        elif row[kind] == "end_group":
            groups.pop()
        elif row[name]:
            paths[str(row[name])] = "/".join([*groups, str(row[name])])
    return paths


def encode(value: object) -> str:
    """An answer as the form stores it: yes/no, space-separated choices, text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return " ".join(value)
    return str(value)


def kobo_submission(
    paths: dict[str, str], answers: dict[str, object], *, form: str, instance: str | None = None
) -> dict[str, object]:
    """One submission as KoboToolbox's data API returns it: strings keyed by group path."""
    uid = instance or str(uuid.uuid4())
    record: dict[str, object] = {
        "_id": 1000 + len(answers),
        "formhub/uuid": "0b7c3a1d2e4f",
        "start": "2026-11-30T10:02:11.000-06:00",
        "end": "2026-11-30T10:09:40.000-06:00",
        paths["amparo_protocol"]: form,
        "__version__": "vQ8yT2synthetic",
        "meta/instanceID": f"uuid:{uid}",
        "_uuid": uid,
        "_submission_time": "2026-11-30T16:10:02",
        "_submitted_by": None,
    }
    record.update({paths[code]: encode(value) for code, value in answers.items()})
    return record


def kobo_json(submissions: list[dict[str, object]]) -> bytes:
    body = {"count": len(submissions), "next": None, "previous": None, "results": submissions}
    return json.dumps(body, ensure_ascii=False, indent=2).encode()


def odk_csv(
    paths: dict[str, str], rows: list[dict[str, object]], *, form: str, instances: list[str]
) -> bytes:
    """ODK Central's CSV export: group paths joined with '-', its metadata columns around."""
    columns = ["SubmissionDate", *(path.replace("/", "-") for path in paths.values())]
    columns += ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "Status", "FormVersion"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for answers, instance in zip(rows, instances, strict=True):
        row: dict[str, object] = dict.fromkeys(columns, "")
        row.update({paths[code].replace("/", "-"): encode(v) for code, v in answers.items()})
        row[paths["amparo_protocol"].replace("/", "-")] = form
        row.update(
            {
                "SubmissionDate": "2026-11-30T16:10:02.000Z",
                "meta-instanceID": f"uuid:{instance}",
                "KEY": f"uuid:{instance}",
                "SubmitterID": "5",
                "SubmitterName": "collect-phone-1",
                "FormVersion": form.split(" ")[-1],
            }
        )
        writer.writerow(row)
    return out.getvalue().encode()
