"""The regional node: fed only signed, suppressed aggregates; it holds no person table."""

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings

from amparo.accounts.models import User
from amparo.federation.domain.identity import init_node, public_card
from amparo.federation.domain.peers import trust_peer
from amparo.federation.models import NodeIdentity, NodeKey
from amparo.people.models import Case
from amparo.stats.domain.exchange import export_aggregates, import_aggregates
from amparo.stats.models import ReceivedAggregate
from amparo.stats.routers import PERSONAL_DATA_APPS
from tests.conftest import make_case


def _become_regional_node() -> None:
    """The same database plays the regional node: a new identity that trusts Mexico's card."""
    mexico = public_card()
    NodeKey.objects.all().delete()
    NodeIdentity.objects.all().delete()
    init_node(country="PA", actor=None)
    trust_peer(mexico, actor=None)


def test_a_signed_export_is_verified_and_loaded_on_the_regional_node(
    mx_caseworker: User, tmp_path: Path
) -> None:
    for i in range(12):
        make_case(actor=mx_caseworker, agency_code="mx-oim", given=f"Xfake{i}", surname="Synth")
    period = Case.objects.first().opened_at.strftime("%Y-%m")
    init_node(country="MX", actor=None)
    out = tmp_path / "mx.json"
    call_command("stats", "export", "--period", period, "--out", str(out), stdout=StringIO())
    assert "Xfake" not in out.read_text()
    _become_regional_node()

    call_command("stats", "import", str(out), stdout=StringIO())

    received = ReceivedAggregate.objects.get()
    assert received.period == period
    cases = next(t for t in received.payload["tables"] if t["id"] == "cases_by_stage_and_age")
    assert cases["total"] == {"value": 12, "suppressed": False}


def test_a_tampered_export_is_refused_and_nothing_is_stored(
    mx_caseworker: User, tmp_path: Path
) -> None:
    init_node(country="MX", actor=None)
    envelope = export_aggregates("2026-11", actor=None)
    _become_regional_node()
    token = envelope["jws"].split(".")
    token[1] = token[1][:-4] + ("AAAA" if token[1][-4:] != "AAAA" else "BBBB")
    envelope["jws"] = ".".join(token)

    with pytest.raises(ValidationError, match="signature does not match"):
        import_aggregates(envelope, actor=None)
    assert not ReceivedAggregate.objects.exists()


def test_an_untrusted_node_is_refused(reference: None) -> None:
    init_node(country="MX", actor=None)
    envelope = export_aggregates("2026-11", actor=None)
    with pytest.raises(ValidationError, match="is not a trusted node"):
        import_aggregates(envelope, actor=None)


def test_a_regional_node_database_has_no_person_table(tmp_path: Path) -> None:
    database = tmp_path / "regional.sqlite3"
    env = {
        **os.environ,
        "AMPARO_NODE_KIND": "regional",
        "DATABASE_URL": f"sqlite:///{database}",
        "AMPARO_DATA_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "amparo", "migrate", "--noinput"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)  # noqa: S603

    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "stats_receivedaggregate" in tables
    assert "accounts_user" in tables
    assert [t for t in tables if t.split("_")[0] in PERSONAL_DATA_APPS] == []


def test_table_prints_the_published_table_in_the_contract_shape(reference: None) -> None:
    out = StringIO()
    call_command("stats", "table", "--by", "country,profile", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "k": 11,
        "cells": [],
        "row_totals": [],
        "column_totals": [],
        "total": {"value": 0, "suppressed": False},
    }


@pytest.fixture
def regional_node_with_mexico(mx_caseworker: User, settings: Any) -> str:
    """Mexico's signed release of 12 synthetic cases, loaded on the regional node."""
    for i in range(12):
        make_case(actor=mx_caseworker, agency_code="mx-oim", given=f"Rfake{i}", surname="Synth")
    period = Case.objects.first().opened_at.strftime("%Y-%m")
    init_node(country="MX", actor=None)
    envelope = export_aggregates(period, actor=None)
    _become_regional_node()
    import_aggregates(envelope, actor=None)
    settings.AMPARO_NODE_KIND = "regional"
    return period


def test_the_regional_node_shows_the_received_tables_as_charts_and_tables(
    login: Callable[[User], Client], analyst: User, regional_node_with_mexico: str
) -> None:
    client = login(analyst)
    client.cookies["django_language"] = "en"
    body = client.get("/stats/").content.decode()

    assert body.count("<svg") == 11
    assert "Cases by stage and age band" in body
    section = body.split('id="t-cases_by_stage_and_age"')[1].split("</section>")[0]
    assert "Mexico" in section
    assert "<td>12</td>" in section.split("<tfoot>")[1]
    assert "Rfake" not in body
    assert " style=" not in body
    assert "<script" not in body.split("<main")[1]


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_choosing_the_shown_month_again_changes_nothing_in_every_language(
    login: Callable[[User], Client], analyst: User, regional_node_with_mexico: str, language: str
) -> None:
    client = login(analyst)
    client.cookies["django_language"] = language
    default = client.get("/stats/")
    again = client.get(f"/stats/?period={regional_node_with_mexico}")

    assert again.status_code == 200
    assert f'value="{regional_node_with_mexico}" selected' in again.content.decode()
    assert again.content.decode().split("<main")[1] == default.content.decode().split("<main")[1]


def test_a_month_not_received_is_refused_naming_the_field(
    login: Callable[[User], Client], analyst: User, regional_node_with_mexico: str
) -> None:
    response = login(analyst).get("/stats/?period=2001-01")
    assert response.status_code == 400
    assert 'id="id_period"' in response.content.decode()
    assert "2001-01" in response.content.decode()


def test_only_the_regional_analyst_sees_the_regional_node(
    login: Callable[[User], Client],
    mx_focal: User,
    mx_supervisor: User,
    regional_node_with_mexico: str,
) -> None:
    assert login(mx_focal).get("/stats/").status_code == 404
    assert login(mx_supervisor).get("/stats/").status_code == 404


# Differential privacy of the releases received -------------------------------------------

DP_ON = {"AMPARO_STATS_DP_EPSILON": "1", "AMPARO_STATS_DP_BUDGET": "10"}


@pytest.fixture
def regional_node_with_private_mexico(mx_caseworker: User, settings: Any) -> dict[str, Any]:
    """Mexico's release of 12 synthetic cases published with differential privacy, loaded on
    the regional node; returns the payload as signed."""
    for i in range(12):
        make_case(actor=mx_caseworker, agency_code="mx-oim", given=f"Dfake{i}", surname="Synth")
    period = Case.objects.earliest("pk").opened_at.strftime("%Y-%m")
    init_node(country="MX", actor=None)
    with override_settings(**DP_ON):
        envelope = export_aggregates(period, actor=None)
    _become_regional_node()
    import_aggregates(envelope, actor=None)
    settings.AMPARO_NODE_KIND = "regional"
    payload: dict[str, Any] = envelope["payload"]
    return payload


def _english_page(client: Client) -> str:
    client.cookies["django_language"] = "en"
    return client.get("/stats/").content.decode()


def test_the_regional_node_shows_each_releases_privacy_next_to_its_figures(
    login: Callable[[User], Client], analyst: User, regional_node_with_private_mexico: dict
) -> None:
    sent = {t["id"]: t["privacy"] for t in regional_node_with_private_mexico["tables"]}
    assert set(map(json.dumps, sent.values())) == {
        json.dumps(
            {"mechanism": "discrete_laplace", "epsilon": 1.0, "budget_spent": 1.0,
             "budget_total": 10.0}
        )
    }  # fmt: skip
    body = _english_page(login(analyst))

    releases = body.split("<caption>Releases shown</caption>")[1].split("</table>")[0]
    assert "Disclosure control" in releases
    assert (
        "Differential privacy: discrete Laplace noise (OpenDP), epsilon 1 for this release; "
        "sender's budget spent 1 of 10" in releases
    )
    assert "carry random noise" in body
    for table_id in sent:
        section = body.split(f'id="t-{table_id}"')[1].split("</section>")[0]
        footer = section.split("<tfoot>")[1]
        assert '<tr class="privacy-sent"><th scope="row">Disclosure control</th>' in footer
        assert "<td>noise, epsilon 1</td>" in footer
    assert "Small-cell suppression" not in body
    assert " style=" not in body
    assert "<script" not in body.split("<main")[1]


def test_a_release_without_privacy_is_shown_as_suppressed_only(
    login: Callable[[User], Client], analyst: User, regional_node_with_mexico: str
) -> None:
    (received,) = ReceivedAggregate.objects.all()
    assert all("privacy" not in t for t in received.payload["tables"])
    body = _english_page(login(analyst))

    releases = body.split("<caption>Releases shown</caption>")[1].split("</table>")[0]
    assert "Small-cell suppression (k = 11)" in releases
    section = body.split('id="t-cases_by_stage_and_age"')[1].split("</section>")[0]
    assert "<td>suppression</td>" in section.split("<tfoot>")[1]
    assert "Differential privacy" not in body
    assert "carry random noise" not in body
