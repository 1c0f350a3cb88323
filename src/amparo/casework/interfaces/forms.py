"""Forms for case management: consent, tasks, closure, children, the case plan. They validate
types and required fields; business rules (allowed transitions, consent, approvals) live in
the domain functions."""

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency, User
from amparo.casework.domain.plans import ActionInput, GoalInput, PlanSnapshot
from amparo.casework.enums import (
    BestInterestsKind,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    DurableSolution,
    ItemStatus,
    LegalBasis,
    TaskPriority,
    TracingStatus,
)
from amparo.lib.formfields import IsoDateField, IsoDateTimeInput, NotFutureDateField

MAX_GOALS = 5
MAX_ACTIONS = 3

MIGRANT_LANGUAGE_CHOICES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("pt", _("Portuguese")),
]


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    method = forms.ChoiceField(
        label=_("How consent was given"),
        choices=[("", "—"), *ConsentMethod.choices],
        required=False,
    )
    recipient = forms.ModelChoiceField(
        label=_("Recipient (for sharing)"),
        queryset=Agency.objects.filter(active=True, enforcement=False),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language of the consent text"), choices=MIGRANT_LANGUAGE_CHOICES
    )
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    interpreter_name = forms.CharField(
        label=_("Interpreter's name"), max_length=120, required=False
    )
    given_on = NotFutureDateField(label=_("Date"))
    expires_on = IsoDateField(label=_("Expires on"), required=False)
    justification = forms.CharField(
        label=_("Justification (required without consent)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task (no names, please)"), max_length=200)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TaskPriority.choices, initial=TaskPriority.NORMAL
    )
    due_at = forms.DateTimeField(label=_("Due"), required=False, widget=IsoDateTimeInput)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BestInterestsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record"), choices=BestInterestsKind.choices)
    held_on = NotFutureDateField(label=_("Date"))
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    child_views = forms.CharField(
        label=_("The child's views"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    durable_solution = forms.ChoiceField(
        label=_("Durable solution"), choices=DurableSolution.choices
    )


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Guardian's name"), max_length=120)
    relationship = forms.CharField(label=_("Relationship or role"), max_length=40)
    agency = forms.ModelChoiceField(
        label=_("Agency (if institutional)"),
        queryset=Agency.objects.filter(active=True),
        required=False,
    )
    appointed_on = NotFutureDateField(label=_("Appointed on"), required=False)


class TracingForm(forms.Form):
    description = forms.CharField(label=_("Step"), widget=forms.Textarea(attrs={"rows": 2}))
    started_on = NotFutureDateField(label=_("Started on"))
    status = forms.ChoiceField(label=_("Status"), choices=TracingStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PlanForm(forms.Form):
    """A fixed number of goal slots, each with a few action slots; empty slots are ignored.

    Every action carries all it holds (due date, status, who is responsible), so saving the
    unchanged form writes back exactly what was there.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Summary of the plan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        initial: dict[str, object] | None = None,
        users: QuerySet[User],
        agencies: QuerySet[Agency],
    ) -> None:
        super().__init__(data, initial=initial)
        for g in range(MAX_GOALS):
            self.fields[f"goal_{g}"] = forms.CharField(
                label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"goal_{g}_status"] = _status_field()
            for a in range(MAX_ACTIONS):
                prefix = f"goal_{g}_action_{a}"
                self.fields[prefix] = forms.CharField(
                    label=_("Action or service"), required=False, max_length=300
                )
                self.fields[f"{prefix}_due"] = IsoDateField(label=_("Due on"), required=False)
                self.fields[f"{prefix}_status"] = _status_field()
                self.fields[f"{prefix}_user"] = forms.ModelChoiceField(
                    label=_("Responsible person"), queryset=users, required=False
                )
                self.fields[f"{prefix}_agency"] = forms.ModelChoiceField(
                    label=_("Responsible institution"), queryset=agencies, required=False
                )

    def goal_rows(self) -> list[dict[str, object]]:
        return [
            {
                "text": self[f"goal_{g}"],
                "status": self[f"goal_{g}_status"],
                "actions": [
                    [
                        self[f"goal_{g}_action_{a}{suffix}"]
                        for suffix in ("", "_due", "_status", "_user", "_agency")
                    ]
                    for a in range(MAX_ACTIONS)
                ],
            }
            for g in range(MAX_GOALS)
        ]

    @staticmethod
    def initial_from(snapshot: PlanSnapshot) -> dict[str, object]:
        initial: dict[str, object] = {"summary": snapshot["summary"]}
        for g, goal in enumerate(snapshot["goals"][:MAX_GOALS]):
            initial[f"goal_{g}"] = goal["description"]
            initial[f"goal_{g}_status"] = goal["status"]
            for a, action in enumerate(goal["actions"][:MAX_ACTIONS]):
                prefix = f"goal_{g}_action_{a}"
                initial[prefix] = action["description"]
                initial[f"{prefix}_due"] = action["due_on"]
                initial[f"{prefix}_status"] = action["status"]
                initial[f"{prefix}_user"] = action["responsible_user"]
                initial[f"{prefix}_agency"] = action["responsible_agency"]
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
        return [
            GoalInput(
                description=data[f"goal_{g}"],
                status=data.get(f"goal_{g}_status") or ItemStatus.PLANNED,
                actions=[
                    self._action(f"goal_{g}_action_{a}")
                    for a in range(MAX_ACTIONS)
                    if data.get(f"goal_{g}_action_{a}")
                ],
            )
            for g in range(MAX_GOALS)
            if data.get(f"goal_{g}")
        ]

    def _action(self, prefix: str) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            description=data[prefix],
            due_on=data.get(f"{prefix}_due"),
            status=data.get(f"{prefix}_status") or ItemStatus.PLANNED,
            responsible_user=data.get(f"{prefix}_user"),
            responsible_agency=data.get(f"{prefix}_agency"),
        )


def _status_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Status"), choices=ItemStatus.choices, initial=ItemStatus.PLANNED, required=False
    )
