"""Sound keys compared on variant spellings of the region's surnames.

For every surname the synthetic generator draws from, N variant spellings are made with the
generator's own `respell` (sound variants, doubled letters, and a share of typos). Two figures
per key: the share of (surname, variant) pairs under one key, and the collision rate, the share
of pairs of distinct surnames under one key. Printed for Amparo's key, the key it replaced,
abydos PhoneticSpanish and Double Metaphone (primary code), and jellyfish Metaphone.

    .venv/bin/python bench/dedup_phonetic_bench.py [--variants 20] [--seed 1]
"""

import argparse
import itertools
import random
import re
from collections.abc import Callable

from _common import machine
from amparo.dedup.synthetic import respell, surname_pool
from amparo.lib.names import sound_key
from amparo.lib.text import normalise_name

Key = Callable[[str], str]


def _plain(name: str) -> str:
    return re.sub(r"[^a-z]", "", normalise_name(name))


def _keys() -> dict[str, Key]:
    import jellyfish
    from abydos.phonetic import DoubleMetaphone, PhoneticSpanish

    spanish, double = PhoneticSpanish(), DoubleMetaphone()
    return {
        "amparo sound_key": sound_key,
        "abydos PhoneticSpanish": spanish.encode,
        "abydos Double Metaphone (primary)": lambda w: double.encode(w)[0],
        "jellyfish Metaphone": jellyfish.metaphone,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = sorted({_plain(s) for s in surname_pool()} - {""})
    originals = surname_pool()
    pairs = [(_plain(s), _plain(respell(s, rng))) for s in originals for _ in range(args.variants)]
    pairs = [(a, b) for a, b in pairs if a != b]
    distinct = list(itertools.combinations(pool, 2))
    print(f"machine: {machine()}")
    print(
        f"{len(pool)} distinct surnames, {len(pairs)} variant pairs, {len(distinct)} distinct pairs"
    )
    for name, key in _keys().items():
        cache = {w: key(w) for w in {w for pair in pairs for w in pair} | set(pool)}
        same = sum(cache[a] == cache[b] for a, b in pairs) / len(pairs)
        collide = sum(cache[a] == cache[b] for a, b in distinct) / len(distinct)
        print(f"{name:36s} variant pairs under one key {same:6.1%}   collisions {collide:.3%}")


if __name__ == "__main__":
    main()
