import pytest
from django.core.exceptions import ImproperlyConfigured

from amparo.lib.env import env_bool, env_int, parse_database_url
from amparo.lib.text import normalise_document, normalise_name, normalise_phone


def test_env_bool_refuses_a_vague_value_and_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AMPARO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="AMPARO_DEBUG='maybe' is not a boolean"):
        env_bool("AMPARO_DEBUG", False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("0", False), ("Yes", True), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", False) is expected


def test_env_int_refuses_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT='eighty' is not a whole number"):
        env_int("PORT", 8000)


def test_postgres_url_is_parsed_into_its_parts() -> None:
    db = parse_database_url(
        "DATABASE_URL", "postgresql://amparo:s%40cret@127.0.0.1:5432/amparo_test"
    )
    assert (db.engine, db.name, db.user, db.password, db.host, db.port) == (
        "django.db.backends.postgresql",
        "amparo_test",
        "amparo",
        "s@cret",
        "127.0.0.1",
        "5432",
    )


@pytest.mark.parametrize(
    "raw", ["mysql://x@h/db", "postgresql://host-only", "postgresql://u@h:port/db", "nonsense"]
)
def test_unparsable_database_url_names_the_variable(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL="):
        parse_database_url("DATABASE_URL", raw)


def test_names_documents_and_phones_normalise_for_exact_lookup() -> None:
    assert normalise_name("  José   MARÍA  Núñez ") == "jose maria nunez"
    assert normalise_document("hx-123 4567") == "HX1234567"
    assert normalise_phone("+52 (55) 0000-1111") == "525500001111"
