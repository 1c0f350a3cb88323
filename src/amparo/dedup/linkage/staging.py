"""A registry CSV read into DuckDB in batches, as the model's columns.

For batch linkage of large registries: each batch is checked (reading.py), normalised
(prepare.py) and appended to a DuckDB table, so Python never holds more than one batch of
rows; DuckDB keeps the table in its own columnar form, far smaller than Python's rows.
"""

import duckdb
import pyarrow as pa

from amparo.dedup.linkage.prepare import MODEL_COLUMNS, model_rows
from amparo.dedup.linkage.reading import Registry

_NUMBERS = {"birth_year", "birth_month", "birth_day"}

SCHEMA = pa.schema(
    [(name, pa.int32() if name in _NUMBERS else pa.string()) for name in MODEL_COLUMNS]
)


def stage_registry(registry: Registry, connection: duckdb.DuckDBPyConnection, table: str) -> int:
    """Append every batch of `registry` to a new table `table` (a name of our own, never
    input); returns the number of records. A bad row raises reading.InputError, and the
    table is dropped."""
    columns = ", ".join(
        f"{name} {'INTEGER' if name in _NUMBERS else 'VARCHAR'}" for name in MODEL_COLUMNS
    )
    connection.execute(f"CREATE TABLE {table} ({columns})")
    records = 0
    try:
        for rows in registry.batches:
            batch = pa.table(model_rows(rows), schema=SCHEMA)
            connection.register("amparo_batch", batch)
            connection.execute(f"INSERT INTO {table} SELECT * FROM amparo_batch")  # noqa: S608
            connection.unregister("amparo_batch")
            records += len(rows)
    except BaseException:
        connection.execute(f"DROP TABLE {table}")
        raise
    return records
