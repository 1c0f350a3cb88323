"""Importing KoboToolbox and ODK submissions made with the form: the same engine and domain
function as the web form, once per instance id, refused rows named by line and field."""

import json
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from amparo.accounts.models import User
from amparo.fieldwork.domain.submissions import import_submissions
from amparo.fieldwork.interfaces.submissions import SubmissionFileError, read_submissions
from amparo.fieldwork.models import ImportedSubmission
from amparo.protection.models import AuditEvent
from amparo.screening.models import Screening
from amparo.screening.protocol import load_protocol
from tests.fieldwork.exports import form_fields, kobo_json, kobo_submission, odk_csv
from tests.screening.builders import adult, child

VERSION = load_protocol("rcm-2013").version  # the latest: forms of other versions are refused
FORM = f"rcm-2013 {VERSION}"


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("form") / "rcm.xlsx"
    call_command("screening", "xlsform", "--protocol", "rcm-2013", "--out", str(out))
    return form_fields(out)


def _run(path: Path, *extra: str) -> tuple[int, str]:
    import io

    out = io.StringIO()
    try:
        call_command(
            "screening",
            "import-submissions",
            str(path),
            "--agency",
            "mx-oim",
            "--user",
            "ana.mx",
            *extra,
            stdout=out,
        )
    except SystemExit as exit_:
        return int(str(exit_.code)), out.getvalue()
    return 0, out.getvalue()


def test_a_kobo_export_imports_as_screenings_and_twice_without_duplicates(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User
) -> None:
    file = tmp_path / "kobo.json"
    file.write_bytes(
        kobo_json(
            [
                kobo_submission(paths, child(), form=FORM),
                kobo_submission(paths, adult(fear_of_return=True), form=FORM),
            ]
        )
    )
    status, out = _run(file, "--format", "kobo-json")
    assert status == 0
    assert out.count(": imported (screening ") == 2
    screenings = list(Screening.objects.order_by("id"))
    assert [s.answers for s in screenings] == [child(), adult(fear_of_return=True)]
    assert screenings[0].result["profiles"][0]["code"] == "unaccompanied_child"
    status, again = _run(file, "--format", "kobo-json")
    assert status == 0
    assert again.count(": skipped as duplicate (screening ") == 2
    assert Screening.objects.count() == 2
    assert ImportedSubmission.objects.count() == 2


def test_the_kobo_import_saves_through_the_same_domain_function_as_the_web_form(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User
) -> None:
    file = tmp_path / "kobo.json"
    file.write_bytes(kobo_json([kobo_submission(paths, child(), form=FORM)]))
    _run(file)
    screening = Screening.objects.get()
    assert screening.screened_by == mx_caseworker
    assert screening.protocol_version == VERSION
    assert AuditEvent.objects.filter(action="screening.saved", subject_id=screening.pk).count() == 1


def test_an_odk_csv_export_imports_and_twice_without_duplicates(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User
) -> None:
    file = tmp_path / "odk.csv"
    rows = [child(), adult(persecution_grounds=["gang_violence"], fear_of_return=True)]
    file.write_bytes(
        odk_csv(paths, rows, form=FORM, instances=[str(uuid.uuid4()), str(uuid.uuid4())])
    )
    status, out = _run(file)
    assert status == 0
    assert out.splitlines()[-1] == "imported: 2, skipped as duplicate: 0, refused: 0"
    assert Screening.objects.order_by("id").last().answers["persecution_grounds"] == [  # type: ignore[union-attr]
        "gang_violence"
    ]
    status, again = _run(file)
    assert again.splitlines()[-1] == "imported: 0, skipped as duplicate: 2, refused: 0"
    assert Screening.objects.count() == 2


@pytest.mark.parametrize("made_with", ["rcm-2013 1.0", "rcm-2013 0.9"])
def test_a_submission_of_another_form_version_is_refused_naming_the_form_to_download(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User, made_with: str
) -> None:
    """1.0 is still held by the server (old screenings are shown with it), 0.9 never was:
    both are refused, because answers are evaluated only under the version they were made for
    and the issue asks to refuse another form version."""
    file = tmp_path / "old.json"
    file.write_bytes(kobo_json([kobo_submission(paths, child(), form=made_with)]))
    status, out = _run(file)
    assert status == 1
    line = out.splitlines()[0]
    assert line.startswith(f"{file}: line ")
    assert line.endswith(
        f"amparo_protocol: refused: made with the form of “{made_with}”, but this server "
        f"imports only the current version, “{FORM}”: download the form of version {VERSION} "
        "(Field collection page, or “amparo screening xlsform --protocol rcm-2013”), deploy "
        "it in place of the old one, and enter this person's answers again with it"
    )
    assert Screening.objects.count() == 0
    assert ImportedSubmission.objects.count() == 0


def test_a_bad_row_names_its_line_and_field_saves_nothing_and_the_others_import(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User
) -> None:
    file = tmp_path / "odk.csv"
    rows = [child(), child(age_years=130), child(apparent_minor="maybe")]
    ids = [str(uuid.uuid4()) for _row in rows]
    file.write_bytes(odk_csv(paths, rows, form=FORM, instances=ids))
    status, out = _run(file)
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{file}: line 2: imported (screening ")
    assert lines[1] == (f"{file}: line 3: age_years: refused: age_years: must be between 0 and 120")
    assert lines[2] == f"{file}: line 4: apparent_minor: refused: “maybe” is not yes or no"
    assert Screening.objects.count() == 1
    assert set(ImportedSubmission.objects.values_list("instance_id", flat=True)) == {ids[0]}


def test_a_file_that_is_not_json_names_its_line(tmp_path: Path, mx_caseworker: User) -> None:
    from django.core.management.base import CommandError

    file = tmp_path / "broken.json"
    file.write_text('{"results": [\n  {"_uuid": "a",}\n]}')
    with pytest.raises(CommandError, match=r"broken.json: line 2: not valid JSON"):
        _run(file)


def test_a_submission_without_instance_id_is_refused(
    paths: dict[str, str], mx_caseworker: User
) -> None:
    record = kobo_submission(paths, child(), form=FORM)
    del record["meta/instanceID"], record["_uuid"]
    data = json.dumps([record]).encode()
    submissions = read_submissions("x.json", data, "kobo-json")
    report = import_submissions(
        submissions,
        actor=mx_caseworker,
        agency=mx_caseworker.memberships.get().agency,
        source="kobo-json",
    )
    assert [(r.outcome, r.where) for r in report.rows] == [("refused", "x.json: submission 1")]
    assert Screening.objects.count() == 0


def test_a_file_without_submissions_list_is_refused() -> None:
    with pytest.raises(SubmissionFileError, match="expected a list of submissions"):
        read_submissions("x.json", b'{"a": 1}', "kobo-json")


def test_an_outsider_cannot_import_for_another_agency(
    tmp_path: Path, paths: dict[str, str], gt_caseworker: User, mx_caseworker: User
) -> None:
    from django.core.management.base import CommandError

    file = tmp_path / "kobo.json"
    file.write_bytes(kobo_json([kobo_submission(paths, child(), form=FORM)]))
    with pytest.raises(CommandError, match="--user: the actor has no casework role"):
        call_command(
            "screening",
            "import-submissions",
            str(file),
            "--agency",
            "mx-oim",
            "--user",
            "bruno.gt",
        )
    assert Screening.objects.count() == 0


def test_odks_split_choice_columns_are_not_read_as_questions(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User
) -> None:
    data = odk_csv(paths, [adult()], form=FORM, instances=[str(uuid.uuid4())]).decode()
    header, row = data.splitlines()[:2]
    # A split column named after a choice that is also a question code, holding "1".
    file = tmp_path / "split.csv"
    file.write_text(f"{header},protection-persecution_grounds/stateless\n{row},1\n")
    status, out = _run(file)
    assert status == 0, out
    assert "stateless" not in Screening.objects.get().answers


def _run_as_written(path: Path) -> tuple[int, str]:
    """The command exactly as issue 12 names it: no --user."""
    import io

    out = io.StringIO()
    try:
        call_command("screening", "import-submissions", str(path), "--agency", "mx-oim", stdout=out)
    except SystemExit as exit_:
        return int(str(exit_.code)), out.getvalue()
    return 0, out.getvalue()


def test_without_user_each_submission_is_saved_in_its_submitters_name(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User, gt_caseworker: User
) -> None:
    mine = kobo_submission(paths, child(), form=FORM)
    mine["_submitted_by"] = mx_caseworker.username
    outsider = kobo_submission(paths, adult(), form=FORM)
    outsider["_submitted_by"] = gt_caseworker.username  # a Guatemalan: no role at mx-oim
    unknown = kobo_submission(paths, adult(), form=FORM)
    unnamed = kobo_submission(paths, adult(), form=FORM)  # `_submitted_by` is null
    unknown["_submitted_by"] = "phone-7"
    file = tmp_path / "kobo.json"
    file.write_bytes(kobo_json([mine, outsider, unknown, unnamed]))

    status, out = _run_as_written(file)

    assert status == 1, out
    lines = out.splitlines()
    assert ": imported (screening " in lines[0]
    assert (
        f"_submitted_by: refused: {gt_caseworker.username} has no casework role at mx-oim"
        in (lines[1])
    )
    assert "_submitted_by: refused: phone-7 is not an active Amparo user" in lines[2]
    assert "_submitted_by: refused: the file names no submitter" in lines[3]
    saved = Screening.objects.get()
    assert saved.answers == child()
    assert saved.screened_by_id == mx_caseworker.pk
    assert ImportedSubmission.objects.count() == 1


def test_without_user_an_odk_export_names_its_submitter_column(
    tmp_path: Path, paths: dict[str, str], mx_caseworker: User
) -> None:
    file = tmp_path / "odk.csv"
    file.write_bytes(odk_csv(paths, [adult()], form=FORM, instances=[str(uuid.uuid4())]))
    status, out = _run_as_written(file)
    assert status == 1
    assert "SubmitterName: refused: collect-phone-1 is not an active Amparo user" in out
    assert Screening.objects.count() == 0
