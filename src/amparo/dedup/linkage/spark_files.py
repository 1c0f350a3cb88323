"""Tables cross between Python and the Spark engine as Parquet files, not through sockets.

pyspark hands a collected result to Python over a local socket, after a handshake it gives
up on after `spark.python.authenticate.socketTimeout`. When it gives up (the JVM slow to
answer: a long garbage collection, a loaded machine), pyspark 4.3 leaves that socket open,
unread, and waits for the JVM; the JVM's scheduler meanwhile blocks writing the result into
the socket once its buffer is full, so neither ever moves again (issue 9: the 100,000-record
run, reproduced by `bench/spark_handshake_repro.py`). A large result, such as the predicted
pairs, is therefore written by Spark as Parquet into the engine's private scratch folder and
read back with pyarrow; the input goes in the same way. This also keeps both tables out of
the driver's small heap (a collected result is gathered there first; a table created from
Python is held there for the whole run).

The scratch folder (spark.py) is private to this process (mode 0700) and removed when the
engine stops. `link` reads its input from a CSV on disk, and Spark already spills and
checkpoints the same data there, so these files hold nothing more sensitive than what is on
disk already. This module is imported only once pyspark is known to be installed.
"""

import shutil
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import DataFrame, SparkSession
from splink.backends.spark import SparkAPI
from splink.internals.spark.dataframe import SparkDataFrame

from amparo.dedup.linkage.prepare import MODEL_SCHEMA


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The model's columns with explicit types (pandas holds the birth date's parts as
    floats with NaN; Spark gets integers with nulls, strings otherwise)."""
    fields, arrays = [], []
    for name in frame.columns:
        column = frame[name]
        kind: Any = MODEL_SCHEMA.field(name).type
        if kind == pa.int32():
            values = pd.array(column, dtype="Int32")
        else:
            values = column.astype(object).where(column.notna(), None)
        fields.append(pa.field(name, kind))
        arrays.append(pa.array(values, type=kind, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _fresh(folder: Path, stem: str) -> Path:
    return folder / f"{stem}-{uuid.uuid4().hex}"


def to_spark(spark: SparkSession, frame: pd.DataFrame, folder: Path) -> DataFrame:
    """The frame as a Spark table read from a Parquet file in `folder` (kept until the
    engine stops: Spark reads it again whenever it recomputes the table)."""
    path = _fresh(folder, "input").with_suffix(".parquet")
    pq.write_table(arrow_table(frame), path)
    return spark.read.parquet(str(path))


def to_arrow(table: DataFrame, folder: Path) -> pa.Table:
    """A Spark table's rows in Python, through Parquet files Spark writes into `folder`."""
    path = _fresh(folder, "result")
    table.write.parquet(str(path))
    try:
        # Spark names its part files in partition order, so the rows keep the table's order.
        return pq.read_table(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)


class _FileResult(SparkDataFrame):
    """Splink's table on Spark, read into pandas through files rather than Arrow's socket.

    Splink's other reads stay as they are: the counts and parameters of each training
    iteration are a few rows, which fit in the socket's buffer."""

    db_api: "FileSparkAPI"

    def as_pandas_dataframe(self, limit: int | None = None) -> pd.DataFrame:
        table = self.db_api.spark.table(self.physical_name)
        if limit:
            table = table.limit(limit)
        return to_arrow(table, self.db_api.results_folder).to_pandas()


class FileSparkAPI(SparkAPI):
    """Splink's SparkAPI whose results reach pandas as files in `results_folder`."""

    def __init__(self, *, results_folder: Path, **options: Any) -> None:
        self.results_folder = results_folder
        super().__init__(**options)

    def table_to_splink_dataframe(self, templated_name: str, physical_name: str) -> _FileResult:
        return _FileResult(templated_name, physical_name, self)
