"""Every user-facing string is tagged for translation, and es/fr catalogues are complete."""

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "amparo"
TEMPLATES = sorted(PACKAGE.glob("**/templates/**/*.html"))
LOCALES = PACKAGE / "locale"

# What may stay untranslated in a template: the product name, symbols and punctuation.
_ALLOWED = {"Amparo"}
_TAGS = re.compile(
    # tagged blocks first, then template tags, variables and comments
    r"{%\s*(blocktranslate|blocktrans)\b.*?{%\s*end(blocktranslate|blocktrans)\s*%}"
    r"|{%.*?%}|{{.*?}}|{#.*?#}"
    r"|<(script|style)\b.*?</\3>"  # code, never text
    r"|<[^>]+>",  # HTML tags and their attributes
    re.DOTALL,
)


def untagged_text(source: str) -> list[str]:
    stripped = _TAGS.sub(" ", source)
    words = re.findall(r"[^\W\d_][\w'\u2019-]*(?:[ \t]+[^\W\d_][\w'\u2019-]*)*", stripped)
    return [w for w in words if w not in _ALLOWED]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_templates_have_no_untagged_text(template: Path) -> None:
    assert untagged_text(template.read_text(encoding="utf-8")) == []


def test_the_lint_catches_untagged_text() -> None:
    assert untagged_text("<p>{% translate 'Hello' %}</p><p>Goodbye friend</p>") == [
        "Goodbye friend"
    ]


def test_attributes_that_users_read_are_tagged() -> None:
    for template in TEMPLATES:
        source = template.read_text(encoding="utf-8")
        for attribute in re.findall(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"', source):
            assert attribute == "" or attribute.startswith("{%") or attribute.startswith("{{"), (
                f"{template.name}: untranslated attribute {attribute!r}"
            )


def _entries(po: Path) -> list[tuple[str, str]]:
    text = po.read_text(encoding="utf-8")
    blocks = [
        b
        for b in text.split("\n\n")
        if "msgid" in b and not b.lstrip().startswith('msgid ""\nmsgstr ""\n"')
    ]
    found = []
    for block in blocks:
        if block.startswith("#~"):
            continue
        msgid = "".join(
            re.findall(r'^(?:msgid|msgid_plural)?\s*"(.*)"$', block.split("msgstr")[0], re.M)
        )
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        for raw in msgstrs:
            found.append((msgid, "".join(re.findall(r'"(.*)"', raw))))
    return found


@pytest.mark.parametrize("language", ["es", "fr"])
def test_catalogues_are_complete_and_not_fuzzy(language: str) -> None:
    po = LOCALES / language / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    missing = [msgid for msgid, msgstr in _entries(po) if msgid and not msgstr]
    assert missing == []


@pytest.mark.parametrize("language", ["es", "en", "fr"])
def test_catalogues_are_compiled(language: str) -> None:
    po = LOCALES / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run 'make compile-messages'"
    assert mo.stat().st_mtime >= po.stat().st_mtime - 1, "the .mo file is older than its .po"
