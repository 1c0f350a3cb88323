"""The statistics API carries the `privacy` key of a release published with differential
privacy, as `amparo stats table --format json` prints it, and nothing more when it is off:
the contract stays exactly as it was, and the answers validate against /api/openapi.json."""

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client, override_settings
from jsonschema import Draft202012Validator

from amparo.accounts.models import User
from amparo.people.models import Case

DP_ON = {"AMPARO_STATS_DP_EPSILON": "1", "AMPARO_STATS_DP_BUDGET": "10"}
CONTRACT_KEYS = {"k", "cells", "row_totals", "column_totals", "total"}
RELEASE_TABLE_KEYS = {"id", "measure", "by", *CONTRACT_KEYS}
TABLE_URL = "/api/stats/tables/cases_by_stage_and_age"
PRIVACY = {
    "mechanism": "discrete_laplace",
    "epsilon": 1.0,
    "budget_spent": 1.0,
    "budget_total": 10.0,
}


def _printed_table() -> dict[str, Any]:
    """What `amparo stats table` prints for the same table (the same release)."""
    out = StringIO()
    call_command("stats", "table", "--by", "stage,age_band", "--measure", "cases", stdout=out)
    return json.loads(out.getvalue())


def _validate(client: Client, component: str, body: dict[str, Any]) -> None:
    """The body against a response schema of /api/openapi.json (an OpenAPI 3.1 document,
    whose schemas are JSON Schema 2020-12); raises naming the first mismatch."""
    document = client.get("/api/openapi.json").json()
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    Draft202012Validator(schema).validate(body)


def test_with_privacy_on_the_table_carries_the_privacy_key_the_command_prints(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    client = login(analyst)
    with override_settings(**DP_ON):
        response = client.get(TABLE_URL)
        printed = _printed_table()

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {*CONTRACT_KEYS, "privacy"}
    assert body["privacy"] == PRIVACY
    assert body == printed  # the same release: the same noisy figures and the same key
    _validate(client, "TableOut", body)


def test_with_privacy_on_the_release_and_each_of_its_tables_carry_it(
    login: Callable[[User], Client], analyst: User, cases: list[Case]
) -> None:
    client = login(analyst)
    with override_settings(**DP_ON):
        body = client.get("/api/stats/tables").json()
        again = client.get("/api/stats/tables").json()

    assert body == again  # drawn once, kept: the second call spends nothing
    assert body["privacy"] == PRIVACY
    assert len(body["tables"]) == 11
    assert {json.dumps(t["privacy"], sort_keys=True) for t in body["tables"]} == {
        json.dumps(PRIVACY, sort_keys=True)
    }
    assert all(set(t) == {*RELEASE_TABLE_KEYS, "privacy"} for t in body["tables"])
    _validate(client, "ReleaseOut", body)


def test_with_privacy_off_the_answers_are_exactly_the_contract_without_the_key(
    login: Callable[[User], Client], analyst: User, gt_focal: User, cases: list[Case]
) -> None:
    client = login(analyst)
    table = client.get(TABLE_URL).json()
    release = client.get("/api/stats/tables").json()

    assert set(table) == CONTRACT_KEYS  # absent, not null
    assert table == _printed_table()
    assert table["total"] == {"value": 15, "suppressed": False}
    assert set(release) == {"k", "scope", "tables"}
    assert all(set(t) == RELEASE_TABLE_KEYS for t in release["tables"])
    _validate(client, "TableOut", table)
    _validate(client, "ReleaseOut", release)
    # Guatemala's 3 cases are suppressed: a null value is still written, not dropped.
    guatemala = login(gt_focal).get(TABLE_URL).json()
    assert set(guatemala) == CONTRACT_KEYS
    assert guatemala["total"] == {"value": None, "suppressed": True}
    _validate(client, "TableOut", guatemala)


def test_the_schema_documents_privacy_as_optional(
    login: Callable[[User], Client], analyst: User
) -> None:
    components = login(analyst).get("/api/openapi.json").json()["components"]["schemas"]
    assert set(components["PrivacyOut"]["properties"]) == {
        "mechanism",
        "epsilon",
        "budget_spent",
        "budget_total",
    }
    for name in ("TableOut", "ReleaseTableOut", "ReleaseOut"):
        assert "privacy" in components[name]["properties"]
        assert "privacy" not in components[name].get("required", [])
    assert set(components["TableOut"]["required"]) == CONTRACT_KEYS
