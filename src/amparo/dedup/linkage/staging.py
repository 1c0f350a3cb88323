"""A registry CSV read into DuckDB in batches, as the model's columns.

For batch linkage of large registries: each batch is checked (reading.py), normalised
(prepare.py) and appended to a DuckDB table, so Python never holds more than one batch of
rows; DuckDB keeps the table in its own columnar form, far smaller than Python's rows.
"""

import duckdb
import pyarrow as pa

from amparo.dedup.linkage.prepare import MODEL_SCHEMA, model_rows
from amparo.dedup.linkage.reading import Registry


def stage_registry(registry: Registry, connection: duckdb.DuckDBPyConnection, table: str) -> int:
    """Append every batch of `registry` to a new table `table` (a name of our own, never
    input); returns the number of records. A bad row raises reading.InputError, and the
    table is dropped."""
    _append(connection, table, MODEL_SCHEMA.empty_table(), create=True)
    records = 0
    try:
        for rows in registry.batches:
            _append(connection, table, pa.table(model_rows(rows), schema=MODEL_SCHEMA))
            records += len(rows)
    except BaseException:
        connection.execute(f"DROP TABLE {table}")
        raise
    return records


def _append(
    connection: duckdb.DuckDBPyConnection, table: str, batch: pa.Table, create: bool = False
) -> None:
    """Append `batch` to `table`, or create `table` with its columns and their types."""
    connection.register("amparo_batch", batch)
    verb = f"CREATE TABLE {table} AS" if create else f"INSERT INTO {table}"
    connection.execute(f"{verb} SELECT * FROM amparo_batch")  # noqa: S608
    connection.unregister("amparo_batch")
