from dataclasses import dataclass
from pathlib import Path

import pytest

from amparo.lib.datafiles import DataFileError, latest_version, version_key, versioned_registry


@dataclass(frozen=True)
class Item:
    id: str
    version: str
    path: Path


def test_versions_sort_by_their_numbers() -> None:
    assert sorted(["1.10", "1.9", "2.0"], key=version_key) == ["1.9", "1.10", "2.0"]


def test_the_registry_finds_the_latest_version(tmp_path: Path) -> None:
    versions = {"a.yaml": "1.9", "b.yaml": "1.10"}
    registry = versioned_registry(
        [tmp_path / name for name in versions], lambda p: Item("proto", versions[p.name], p)
    )
    assert latest_version(registry, "proto") == "1.10"
    assert latest_version(registry, "other") is None


def test_two_files_with_one_id_and_version_are_refused_naming_both(tmp_path: Path) -> None:
    paths = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    with pytest.raises(DataFileError, match=r"b\.yaml: version: proto 1\.0 is also in a\.yaml"):
        versioned_registry(paths, lambda p: Item("proto", "1.0", p))
