"""The regional node: fed only signed, suppressed aggregates; it holds no person table."""

import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

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
