"""Shared helpers for the directory tests: the HSDS examples, the schema, running the command."""

import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from amparo.accounts.models import User
from amparo.people.models import Case
from amparo.referrals.models import Location, Organization, Service, ServiceAtLocation
from amparo.screening.domain.screenings import attach_to_case, decide_profiles, submit_screening

HSDS = Path(__file__).resolve().parent / "data" / "hsds"
EXAMPLES = sorted((HSDS / "examples").glob("*.json"))
SERVICE_FULL = HSDS / "examples" / "service_full.json"


@cache
def service_schema_validator() -> Validator:
    """The compiled HSDS service schema, compiled once (it is 2 MB), checking formats too."""
    schema = json.loads((HSDS / "schema" / "compiled" / "service.json").read_text())
    cls = validator_for(schema, default=Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(service: dict[str, Any]) -> list[str]:
    errors = service_schema_validator().iter_errors(service)
    return [f"{error.json_path}: {error.message}" for error in errors]


@dataclass
class Outcome:
    status: int
    stdout: str
    stderr: str


def run_directory(*args: str) -> Outcome:
    """Run `amparo directory ...` and capture its status and output."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("directory", *args, stdout=stdout, stderr=stderr)
    except SystemExit as exc:
        status = int(exc.code or 0)
    return Outcome(status, stdout.getvalue(), stderr.getvalue())


def directory_counts() -> tuple[int, int, int, int]:
    return (
        Organization.objects.count(),
        Service.objects.count(),
        Location.objects.count(),
        ServiceAtLocation.objects.count(),
    )


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[Any], Path]:
    """Write data as a JSON file and return its path."""

    def _write(data: Any, name: str = "directory.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return _write


def new_id() -> str:
    return str(uuid.uuid4())


def hsds_service(name: str = "Legal aid", **fields: Any) -> dict[str, Any]:
    """A small valid HSDS service with its organization embedded."""
    organization = {"id": new_id(), "name": "Casa Refugio", "description": ""}
    return {
        "id": new_id(),
        "name": name,
        "status": "active",
        "organization": organization,
        **fields,
    }


def screen(case: Case, actor: User, *, confirm: bool = True, **answers: object) -> None:
    """Screen the case's person, confirm (or reject) every suggested profile, attach it."""
    base: dict[str, object] = {
        "age_years": 34,
        "sex": "female",
        "nationality": "HN",
        "country_of_identification": "MX",
        "fear_of_return": False,
    }
    screening = submit_screening(actor=actor, agency=case.agency, answers={**base, **answers})
    decision = (True, "") if confirm else (False, "Synthetic: not confirmed at interview.")
    codes = [d.code for d in screening.decisions.all()]
    decide_profiles(screening, actor=actor, decisions=dict.fromkeys(codes, decision))
    attach_to_case(screening, actor=actor, case=case)
