"""Blind-index key rotation and the keyed audit chain: rows per second.

Registers synthetic persons in a fresh SQLite file with a key file (rotation needs one), then
times `rotate_index_key` (every digest re-derived from decrypted values), audit appends and
`verify_chain`. Run: .venv/bin/python bench/index_rotation_bench.py [PERSONS]
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from _common import machine

PERSONS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
EVENTS = 5000


def setup() -> None:
    directory = Path(tempfile.mkdtemp(prefix="amparo-bench-"))
    os.environ["AMPARO_DATA_DIR"] = str(directory)
    os.environ["DJANGO_SETTINGS_MODULE"] = "amparo.settings"
    for variable in ("AMPARO_KEYS", "AMPARO_INDEX_KEY", "DATABASE_URL"):
        os.environ.pop(variable, None)
    from amparo.protection import crypto

    crypto.write_key_file(directory / "keys.json", crypto.new_key_file_content())
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main() -> None:
    setup()
    from amparo.people.domain.cases import PersonData, register_person
    from amparo.protection.domain.audit import record_event, verify_chain
    from amparo.protection.domain.index_keys import rotate_index_key

    for n in range(PERSONS):
        documents = [{"type": "passport", "number": f"BX{n:06d}", "country": "HN"}]
        data = PersonData(
            given_names=f"Benchfake{n}", first_surname="Indexsynth", documents=documents
        )
        register_person(data, actor=None, is_synthetic=True)
    start = time.perf_counter()
    report = rotate_index_key(batch_size=200)
    rotate_s = time.perf_counter() - start
    start = time.perf_counter()
    for n in range(EVENTS):
        record_event("case.viewed", actor=None, payload={"n": n})
    append_s = time.perf_counter() - start
    start = time.perf_counter()
    chain = verify_chain()
    verify_s = time.perf_counter() - start
    print(f"machine: {machine()}")
    rate = report.rows / rotate_s
    print(f"rotate-keys --index: {report.rows} persons in {rotate_s:.2f} s ({rate:,.0f}/s, SQLite)")
    print(f"keyed audit append: {EVENTS / append_s:,.0f} events/s (one transaction each)")
    print(f"audit verify: {chain.checked / verify_s:,.0f} events/s ({chain.checked} events)")


if __name__ == "__main__":
    main()
