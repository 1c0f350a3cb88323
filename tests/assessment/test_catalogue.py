"""The DoMV factor catalogue: the shipped file, and the refusal of bad files."""

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from amparo.assessment.catalogue import (
    catalogue_registry,
    current_catalogue,
    load_catalogue_file,
)
from amparo.lib.datafiles import DataFileError


def _text(word: str) -> dict[str, str]:
    return {"es": f"{word} es", "en": f"{word} en", "fr": f"{word} fr"}


def _factor(code: str, polarity: str = "risk", **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "polarity": polarity,
        "label": _text(code),
        "guidance": _text("g"),
        **extra,
    }


VALID: dict[str, Any] = {
    "id": "domv-test",
    "version": "1.0",
    "title": _text("title"),
    "levels": {
        level: {"title": _text(level), "factors": [_factor(f"{level}_one")]}
        for level in ["individual", "household", "community", "structural"]
    },
}


def _write(tmp_path: Path, data: dict[str, Any], name: str = "catalogue.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_catalogue_has_the_four_levels_in_order() -> None:
    catalogue = current_catalogue()
    assert [entry.code for entry in catalogue.levels] == [
        "individual",
        "household",
        "community",
        "structural",
    ]


def test_every_level_of_the_shipped_catalogue_has_at_least_eight_factors() -> None:
    counts = {entry.code.value: len(entry.factors) for entry in current_catalogue().levels}
    assert {level: count >= 8 for level, count in counts.items()} == {
        "individual": True,
        "household": True,
        "community": True,
        "structural": True,
    }


def test_the_shipped_catalogue_flags_the_immediate_dangers() -> None:
    dangers = [f.code for f in current_catalogue().factors.values() if f.immediate_danger]
    assert dangers == [
        "imminent_threat_to_life_or_safety",
        "urgent_medical_need",
        "recent_sexual_violence",
        "unaccompanied_child_without_care",
        "threat_of_refoulement",
        "children_left_without_adult_care",
        "aggressors_present_nearby",
    ]


def test_the_catalogue_is_loaded_once_and_shared() -> None:
    assert current_catalogue() is current_catalogue()


def test_the_catalogue_records_its_id_version_and_hash() -> None:
    catalogue = current_catalogue()
    assert (catalogue.id, catalogue.version, len(catalogue.sha256)) == ("domv", "1.1", 64)


def test_factor_wording_follows_the_active_language() -> None:
    factor = current_catalogue().factors["urgent_medical_need"]
    with translation.override("fr"):
        french = factor.label.get()
    with translation.override("es"):
        spanish = factor.label.get()
    assert (french, spanish) == ("Besoin médical urgent", "Necesidad médica urgente")


def test_a_valid_file_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue_file(_write(tmp_path, VALID))
    assert list(catalogue.factors) == [
        "individual_one",
        "household_one",
        "community_one",
        "structural_one",
    ]


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    levels = data["levels"]
    if change == "unknown top key":
        data["score"] = 3
    elif change == "unknown factor key":
        levels["individual"]["factors"][0]["weight"] = 2
    elif change == "unknown level":
        levels["planetary"] = levels["individual"]
    elif change == "missing level":
        del levels["structural"]
    elif change == "duplicate code":
        levels["community"]["factors"].append(_factor("individual_one"))
    elif change == "missing language":
        del levels["household"]["factors"][0]["guidance"]["fr"]
    elif change == "empty wording":
        levels["household"]["factors"][0]["label"]["es"] = "  "
    elif change == "unknown polarity":
        levels["individual"]["factors"][0]["polarity"] = "dangerous"
    elif change == "protective danger":
        levels["individual"]["factors"].append(_factor("safe", "protective", immediate_danger=True))
    elif change == "unquoted version":
        data["version"] = 1.0
    return data


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        ("unknown top key", "", "unknown key(s): score"),
        ("unknown factor key", "levels.individual.factors[0]", "unknown key(s): weight"),
        (
            "unknown level",
            "levels.planetary",
            "unknown level (use one of: individual, household, community, structural)",
        ),
        ("missing level", "levels", "missing level(s): structural"),
        (
            "duplicate code",
            "levels.community.factors[1].code",
            "duplicate factor code 'individual_one' (first at levels.individual.factors[0].code)",
        ),
        (
            "missing language",
            "levels.household.factors[0].guidance",
            "missing required key(s): fr",
        ),
        ("empty wording", "levels.household.factors[0].label.es", "must be non-empty text"),
        (
            "unknown polarity",
            "levels.individual.factors[0].polarity",
            "unknown polarity 'dangerous' (use one of: risk, protective, context_dependent)",
        ),
        (
            "protective danger",
            "levels.individual.factors[1].immediate_danger",
            "only a factor whose usual polarity is risk can demand action",
        ),
        (
            "unquoted version",
            "version",
            'must be a quoted string of dot-separated numbers, e.g. "1.0"',
        ),
    ],
)
def test_a_bad_catalogue_is_refused_naming_file_key_and_problem(
    tmp_path: Path, change: str, key: str, problem: str
) -> None:
    path = _write(tmp_path, _broken(change))
    with pytest.raises(DataFileError) as caught:
        load_catalogue_file(path)
    assert (caught.value.path, caught.value.key, caught.value.problem) == (str(path), key, problem)


def test_invalid_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: domv\nlevels: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_catalogue_file(path)
    assert (caught.value.path, caught.value.key) == (str(path), "line 3")


def test_two_files_with_the_same_id_and_version_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, VALID, "a.yaml")
    second = _write(tmp_path, VALID, "b.yaml")
    with pytest.raises(DataFileError) as caught:
        catalogue_registry(tmp_path)
    assert (caught.value.path, caught.value.key, caught.value.problem) == (
        str(second),
        "version",
        "domv-test 1.0 is also in a.yaml",
    )


def test_the_catalogue_gives_the_windows_of_post_rape_care_and_the_consular_rule() -> None:
    factors = current_catalogue().factors
    guidance = factors["recent_sexual_violence"].guidance.get("en")
    assert "HIV prevention within 72 hours" in guidance
    assert "emergency contraception within 120 hours" in guidance
    assert "whoever they fear there" in factors["consular_protection"].guidance.get("en")
