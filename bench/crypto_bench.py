"""Encryption and decryption of person records: records per second.

A record is the five encrypted fields of a Person (names, birth date, documents, phone).
Run: .venv/bin/python bench/crypto_bench.py
"""

import json
import time

from _common import machine, setup_django

RECORDS = 20_000


def main() -> None:
    setup_django()
    from amparo.protection import crypto

    record = {
        "given_names": "María José",
        "first_surname": "Hernández",
        "second_surname": "Synthetica",
        "birth_date": "1994-03-02",
        "documents": json.dumps([{"type": "passport", "number": "HX1234567", "country": "HN"}]),
        "phone": "+52 55 0000 1111",
    }
    start = time.perf_counter()
    tokens = [{k: crypto.encrypt(v) for k, v in record.items()} for _ in range(RECORDS)]
    encrypt_s = time.perf_counter() - start
    start = time.perf_counter()
    for row in tokens:
        for token in row.values():
            crypto.decrypt(token)
    decrypt_s = time.perf_counter() - start
    print(f"machine: {machine()}")
    print(f"encrypt: {RECORDS / encrypt_s:,.0f} person records/s ({len(record)} fields each)")
    print(f"decrypt: {RECORDS / decrypt_s:,.0f} person records/s")


if __name__ == "__main__":
    main()
