"""Rotating the blind-index key (issue 13 item 5): every digest re-derived, resumable.

The crash test runs real processes on a SQLite file: one registers synthetic persons, one is
killed with SIGKILL in the middle of a rotation batch, a rerun finishes it, and a last one
checks that every person is still found through the blind indexes and decrypted.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from amparo.people.domain.cases import find_persons_by_document
from amparo.people.models import Case, Person
from amparo.protection import crypto
from amparo.protection.domain.keys import assert_keys_usable
from amparo.protection.models import AuditEvent, IndexRotationProgress

PERSONS = 40

_SETUP = f"""
import datetime as dt, django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from amparo.people.domain.cases import PersonData, register_person
for n in range({PERSONS}):
    register_person(PersonData(given_names=f"Rotafake{{n}}", first_surname="Indexsynth",
        documents=[{{"type": "passport", "number": f"RX{{n:05d}}", "country": "HN"}}],
        phone=f"+52 55 1000 {{n:04d}}"), actor=None, is_synthetic=True)
"""

# Kills itself (SIGKILL, no clean-up) inside the third batch's transaction, after the
# digests of that batch were rewritten and before they commit.
_KILLED_MIDWAY = """
import os, signal, django; django.setup()
from amparo.protection.domain import index_keys
original = index_keys.index_sources
batches = []
def index_sources():
    sources = []
    for source in original():
        def rederive(rows, source=source):
            source.rederive(rows)
            batches.append(len(rows))
            if len(batches) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
            return len(rows)
        sources.append(index_keys.IndexSource(source.name, source.owners, rederive))
    return sources
index_keys.index_sources = index_sources
index_keys.rotate_index_key(batch_size=7)
"""

_CHECK = """
import json, django; django.setup()
from amparo.people.domain.cases import _identifiers, find_persons_by_document
from amparo.people.models import Person, PersonIdentifier
from amparo.protection.domain.keys import assert_keys_usable
assert_keys_usable()
found, derived, names = 0, 0, []
for person in Person.objects.order_by("pk"):
    number = person.documents[0]["number"]
    found += find_persons_by_document(number) == [person.pk]
    stored = set(PersonIdentifier.objects.filter(person=person).values_list("kind", "digest"))
    derived += stored == {(row.kind, row.digest) for row in _identifiers(person)}
    names.append(person.given_names)
print(json.dumps({"found": found, "derived": derived, "names": names}))
"""


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def node(tmp_path: Path) -> dict[str, str]:
    """A node of its own: a SQLite file and a key file in a temporary folder."""
    env = {
        **os.environ,
        "AMPARO_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "amparo.settings",
    }
    for variable in ("DATABASE_URL", "AMPARO_KEYS", "AMPARO_INDEX_KEY", "AMPARO_AUDIT_KEY"):
        env.pop(variable, None)
    env["AMPARO_DEMO"] = "true"
    key_file = tmp_path / "keys.json"
    crypto.write_key_file(key_file, crypto.new_key_file_content())
    setup = _run(_SETUP, env)
    assert setup.returncode == 0, setup.stderr
    return env


def test_a_rotation_killed_midway_resumes_and_everyone_is_still_found(
    node: dict[str, str], tmp_path: Path
) -> None:
    key_file = tmp_path / "keys.json"
    original_index_key = json.loads(key_file.read_text())["index_key"]

    killed = _run(_KILLED_MIDWAY, node)
    assert killed.returncode == -9, killed.stderr
    halfway = json.loads(key_file.read_text())
    assert halfway["index_key"] == original_index_key
    assert halfway["index_key_next"]
    refused = _run(_CHECK, node)  # the service must not start on half-rotated digests
    assert "An index-key rotation is unfinished" in refused.stderr

    rerun = subprocess.run(
        [sys.executable, "-m", "amparo", "rotate-keys", "--index", "--batch-size", "7"],
        env=node,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "Blind-index key rotated (resumed an interrupted rotation)" in rerun.stdout

    final = json.loads(key_file.read_text())
    assert "index_key_next" not in final
    assert final["index_key"] == halfway["index_key_next"] != original_index_key
    check = _run(_CHECK, node)
    assert check.returncode == 0, check.stderr
    result = json.loads(check.stdout)
    assert (result["found"], result["derived"]) == (PERSONS, PERSONS)
    assert result["names"] == [f"Rotafake{n}" for n in range(PERSONS)]


def test_rotating_the_index_key_keeps_search_and_is_audited(
    mx_case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "keys.json"
    before = settings.AMPARO_INDEX_KEY
    content = {
        "encryption_keys": [settings.AMPARO_KEYS],
        "index_key": before,
        "audit_key": settings.AMPARO_AUDIT_KEY,
        "checkpoint_key": settings.AMPARO_CHECKPOINT_KEY,
    }
    crypto.write_key_file(key_file, content)
    with override_settings(AMPARO_KEYS="", AMPARO_INDEX_KEY="", AMPARO_KEY_FILE=key_file):
        crypto.reset_key_ring_cache()
        call_command("rotate_keys", "--index", "--batch-size", "1")
        after = json.loads(key_file.read_text())["index_key"]
        assert before != after
        assert find_persons_by_document("HX1234567") == [mx_case.person_id]
        assert IndexRotationProgress.objects.count() == 0
        assert_keys_usable()
        event = AuditEvent.objects.order_by("-id").first()
        assert event is not None
        assert (event.action, event.payload["resumed"]) == ("keys.index_rotated", False)
    crypto.reset_key_ring_cache()
    assert "Blind-index key rotated: " in capsys.readouterr().out
    assert Person.objects.get(pk=mx_case.person_id).given_names == "Xiomarafake"


def test_index_rotation_with_keys_in_the_environment_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="only with a key file"):
        call_command("rotate_keys", "--index")
