"""Forms for editing a person and the case plan, both carrying the version they started from."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from amparo.casework.domain.plans import ActionInput, GoalInput
from amparo.casework.enums import ItemStatus
from amparo.web.forms_casework import PersonForm

MAX_GOALS = 5
MAX_ACTIONS = 3


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("document_type", "document_number"):
            del self.fields[name]  # documents are edited with their own history, not here

    def changes(self) -> dict[str, object]:
        data = self.cleaned_data
        birth: dt.date | None = data["birth_date"]
        return {
            "given_names": data["given_names"],
            "first_surname": data["first_surname"],
            "second_surname": data["second_surname"],
            "sex": data["sex"],
            "birth_date": birth.isoformat() if birth else "",
            "birth_date_is_approximate": data["birth_date_is_approximate"],
            "nationalities": data["nationalities"],
            "languages": data["languages"],
            "phone": data["phone"],
        }


class PlanForm(forms.Form):
    """A fixed number of goal slots, each with a few action slots; empty slots are ignored."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Summary of the plan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for g in range(MAX_GOALS):
            self.fields[f"goal_{g}"] = forms.CharField(
                label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"goal_{g}_status"] = forms.ChoiceField(
                label=_("Status"),
                choices=ItemStatus.choices,
                initial=ItemStatus.PLANNED,
                required=False,
            )
            for a in range(MAX_ACTIONS):
                self.fields[f"goal_{g}_action_{a}"] = forms.CharField(
                    label=_("Action or service"), required=False, max_length=300
                )
                self.fields[f"goal_{g}_action_{a}_due"] = forms.DateField(
                    label=_("Due on"),
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )

    def goal_rows(self) -> list[dict[str, object]]:
        return [
            {
                "text": self[f"goal_{g}"],
                "status": self[f"goal_{g}_status"],
                "actions": [
                    (self[f"goal_{g}_action_{a}"], self[f"goal_{g}_action_{a}_due"])
                    for a in range(MAX_ACTIONS)
                ],
            }
            for g in range(MAX_GOALS)
        ]

    @staticmethod
    def initial_from(snapshot: dict[str, object]) -> dict[str, object]:
        initial: dict[str, object] = {"summary": snapshot.get("summary", "")}
        for g, goal in enumerate(snapshot.get("goals", [])[:MAX_GOALS]):  # type: ignore[index]
            initial[f"goal_{g}"] = goal["description"]
            initial[f"goal_{g}_status"] = goal["status"]
            for a, action in enumerate(goal["actions"][:MAX_ACTIONS]):
                initial[f"goal_{g}_action_{a}"] = action
        return initial

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for g in range(MAX_GOALS):
            has_actions = any(data.get(f"goal_{g}_action_{a}") for a in range(MAX_ACTIONS))
            if has_actions and not data.get(f"goal_{g}"):
                self.add_error(f"goal_{g}", _("Actions need a goal: describe the goal they serve."))
        return data

    def goals(self) -> list[GoalInput]:
        data = self.cleaned_data
        result = []
        for g in range(MAX_GOALS):
            if not data.get(f"goal_{g}"):
                continue
            actions = [
                ActionInput(
                    description=data[f"goal_{g}_action_{a}"],
                    due_on=data.get(f"goal_{g}_action_{a}_due"),
                )
                for a in range(MAX_ACTIONS)
                if data.get(f"goal_{g}_action_{a}")
            ]
            status = data.get(f"goal_{g}_status") or ItemStatus.PLANNED
            result.append(GoalInput(description=data[f"goal_{g}"], status=status, actions=actions))
        return result
