"""Open Referral HSDS 3.0 interchange: read a file into a directory batch, write services out.

A file holds an organization, a service, a location or a service at location, a list of
them, or a page of the HSDS API (`{"total_items": ..., "contents": [...]}`). Reading checks
the whole file first and reports every problem with its JSON path; nothing is written
unless the file is sound (the domain's `import_directory` then writes it in one transaction).
"""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from amparo.referrals.domain.directory import DirectoryBatch, DirectoryImportError
from amparo.referrals.interfaces.hsds_check import json_type
from amparo.referrals.interfaces.hsds_export import service_to_hsds
from amparo.referrals.interfaces.hsds_reader import HsdsReader
from amparo.referrals.interfaces.hsds_tables import PAGE_FIELDS, kind_of
from amparo.referrals.models import Service

__all__ = ["parse_hsds", "read_hsds_json", "records_of", "services_to_hsds"]


def read_hsds_json(text: str) -> Any:
    """Parse JSON text; a syntax error is refused naming its line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise DirectoryImportError([problem]) from None


def _page_problems(page: dict[str, Any]) -> list[str]:
    problems = []
    for name, expected in PAGE_FIELDS.items():
        value = page.get(name)
        is_integer = isinstance(value, int) and not isinstance(value, bool)
        fits = is_integer if expected == "integer" else isinstance(value, bool)
        if name in page and not fits:
            problems.append(f"$.{name}: expected {expected}, found {json_type(value)}")
    if not isinstance(page["contents"], list):
        problems.append(f"$.contents: expected a list, found {json_type(page['contents'])}")
    return problems


def records_of(data: Any) -> tuple[list[tuple[str, Any]], list[str]]:
    """The top-level records of a file with their paths, and the problems of its envelope."""
    if isinstance(data, list):
        return [(f"$[{index}]", item) for index, item in enumerate(data)], []
    if isinstance(data, dict) and "contents" in data and kind_of(data) is None:
        problems = _page_problems(data)
        if problems:
            return [], problems
        return [(f"$.contents[{index}]", item) for index, item in enumerate(data["contents"])], []
    if isinstance(data, dict):
        return [("$", data)], []
    return [], [f"$: expected an object or a list, found {json_type(data)}"]


def parse_hsds(data: Any) -> DirectoryBatch:
    """The directory batch a parsed HSDS file describes, or DirectoryImportError listing
    every problem found (missing fields, wrong types, duplicate or conflicting ids)."""
    records, problems = records_of(data)
    if problems:
        raise DirectoryImportError(problems)
    reader = HsdsReader()
    reader.read_records(records)
    if reader.problems:
        raise DirectoryImportError(reader.problems)
    return reader.batch()


def services_to_hsds(services: Iterable[Service]) -> Iterator[dict[str, Any]]:
    """HSDS 3.0 service objects, each with its organization and locations embedded.

    Use with `services_for_export()`, which prefetches what the objects embed.
    """
    for service in services:
        yield service_to_hsds(service)
