"""The form that records a DoMV assessment: every catalogue factor, grouped by level.

Each factor has a mark select (left at "not assessed" when the case manager did not look at
it), an evidence textarea and a source select. The form only shapes and checks the input;
`record_assessment` checks again and saves.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import User
from amparo.assessment.catalogue import Catalogue, Factor, text_language
from amparo.assessment.domain.assessments import FindingInput
from amparo.assessment.enums import AssessmentKind, ConcernLevel, EvidenceSource, Mark
from amparo.people.domain.queries import cases_visible_to
from amparo.people.models import Case

_SEPARATORS = re.compile(r"[\s,;]+")


def mark_field(code: str) -> str:
    return f"{code}__mark"


def evidence_field(code: str) -> str:
    return f"{code}__evidence"


def source_field(code: str) -> str:
    return f"{code}__source"


@dataclass(frozen=True)
class FactorRow:
    """One factor of the form, with its wording in the active language and its fields."""

    factor: Factor
    label: str
    guidance: str
    mark: forms.BoundField
    evidence: forms.BoundField
    source: forms.BoundField


@dataclass(frozen=True)
class LevelGroup:
    code: str
    title: str
    description: str
    factors: list[FactorRow]


@dataclass(frozen=True)
class FieldProblem:
    """A field with errors, for the summary at the top of the page."""

    id: str
    label: str
    errors: list[str]


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of assessment"),
        choices=AssessmentKind.choices,
        initial=AssessmentKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    household_references = forms.CharField(
        label=_("Cases of other household members"),
        help_text=_("For a household assessment: case references, separated by commas."),
        required=False,
        max_length=2000,
    )
    concern_level = forms.ChoiceField(
        label=_("Overall concern level (your professional judgement)"),
        choices=ConcernLevel.choices,
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Why you chose this concern level"),
        help_text=_("Required. Name the factors that weighed most and how they interact."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, catalogue: Catalogue, user: User, case: Case, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.catalogue, self.user, self.case = catalogue, user, case
        self.lang = text_language()
        for factor in catalogue.factors.values():
            self._add_factor_fields(factor)

    def _add_factor_fields(self, factor: Factor) -> None:
        label = factor.label.get(self.lang)
        self.fields[mark_field(factor.code)] = forms.ChoiceField(
            label=label, required=False, choices=[("", _("Not assessed")), *Mark.choices]
        )
        self.fields[evidence_field(factor.code)] = forms.CharField(
            label=_("Evidence or notes"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields[source_field(factor.code)] = forms.ChoiceField(
            label=_("Source"),
            required=False,
            choices=[("", _("Not stated")), *EvidenceSource.choices],
        )

    def clean_household_references(self) -> list[int]:
        """The ids of the cases named, each one a case the user may open."""
        raw: str = self.cleaned_data["household_references"]
        references = list(dict.fromkeys(r.upper() for r in _SEPARATORS.split(raw) if r))
        found = dict(
            cases_visible_to(self.user)
            .filter(reference__in=references)
            .values_list("reference", "pk")
        )
        unknown = [reference for reference in references if reference not in found]
        if unknown:
            # The same words whether the case does not exist or is outside the user's scope.
            message = gettext("No case you may open has the reference %(references)s.")
            params = {"references": ", ".join(unknown)}
            raise ValidationError(message, code="unknown_reference", params=params)
        return [found[r] for r in references if found[r] != self.case.pk]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for factor in self.catalogue.factors.values():
            code = factor.code
            written = cleaned.get(evidence_field(code)) or cleaned.get(source_field(code))
            if written and not cleaned.get(mark_field(code)):
                self.add_error(
                    mark_field(code),
                    gettext("Choose a mark for this factor, or clear its evidence and source."),
                )
        if cleaned.get("kind") != AssessmentKind.HOUSEHOLD and cleaned.get("household_references"):
            message = gettext("Only a household assessment links the cases of other members.")
            self.add_error("household_references", ValidationError(message, code="not_household"))
        return cleaned

    # What the view passes on

    def findings(self) -> list[FindingInput]:
        data = self.cleaned_data
        return [
            FindingInput(
                factor_code=code,
                mark=data[mark_field(code)],
                evidence=data[evidence_field(code)],
                source=data[source_field(code)],
            )
            for code in self.catalogue.factors
            if data.get(mark_field(code))
        ]

    def domain_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `record_assessment`, from valid data."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "findings": self.findings(),
            "concern_level": data["concern_level"],
            "justification": data["justification"],
            "household_case_ids": data["household_references"],
        }

    def add_domain_errors(self, error: ValidationError) -> None:
        """Put the errors `record_assessment` raised on the fields they concern."""
        fields = {"household_case_ids": "household_references"}
        for key, errors in error.error_dict.items():
            for problem in errors:
                self.add_error(self._field_for(fields.get(key, key), problem), problem)

    def _field_for(self, key: str, problem: ValidationError) -> str | None:
        if key == "findings":
            code = (problem.params or {}).get("code")
            return mark_field(str(code)) if code in self.catalogue.factors else None
        return key if key in self.fields else None

    # What the template shows

    def groups(self) -> list[LevelGroup]:
        """The factor fields, level by level, with wording in the active language."""
        return [
            LevelGroup(
                code=entry.code.value,
                title=entry.title.get(self.lang),
                description=entry.description.get(self.lang) if entry.description else "",
                factors=[self._row(factor) for factor in entry.factors],
            )
            for entry in self.catalogue.levels
        ]

    def _row(self, factor: Factor) -> FactorRow:
        return FactorRow(
            factor=factor,
            label=factor.label.get(self.lang),
            guidance=factor.guidance.get(self.lang),
            mark=self[mark_field(factor.code)],
            evidence=self[evidence_field(factor.code)],
            source=self[source_field(factor.code)],
        )

    def problems(self) -> list[FieldProblem]:
        """Every field with errors, named as the page labels it, in page order."""
        return [
            FieldProblem(
                id=self[name].id_for_label,
                label=str(self.fields[name].label),
                errors=[str(e) for e in self.errors[name]],
            )
            for name in self._names_in_page_order()
            if name in self.errors
        ]

    def _names_in_page_order(self) -> Iterable[str]:
        yield "kind"
        yield "household_references"
        for code in self.catalogue.factors:
            yield mark_field(code)
        yield "concern_level"
        yield "justification"
