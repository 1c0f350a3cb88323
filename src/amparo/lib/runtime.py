"""Settings of the Python runtime for a long-running server process."""

import gc

# A request of the case page makes tens of thousands of short-lived objects (querysets, model
# instances, template nodes). With Python's default first threshold (2,000 allocations) the
# collector runs many times per request and, every few runs, walks the older generations,
# Django's import-time objects included. Tuned, the case page's p50 and p95 fell by about
# 4 ms on a quiet machine (bench/RESULTS.md).
YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Freeze what is loaded at start-up (modules, models, URL patterns, compiled templates are
    never garbage) so the collector stops scanning it, and collect the young generation less
    often. Cyclic garbage is still collected; memory grows by at most one young generation.
    Called once the application is loaded (`amparo.wsgi`), and by the benchmarks that measure
    what the server serves."""
    gc.collect()
    gc.freeze()
    _first, second, third = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, second, third)
