"""Forms of the training pages other than the quiz: essay grades, practice choices, cohorts,
members, sessions and attendance. Choices are limited to what the trainer may use, but the
domain functions check again."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Country, User
from amparo.casework.enums import LegalBasis
from amparo.training.enums import AttendanceStatus, SessionKind
from amparo.training.models import Cohort, CohortMember, Course, Module
from amparo.training.practice import referral_choices


class GradeEssayForm(forms.Form):
    percent = forms.IntegerField(label=_("Grade (percent)"), min_value=0, max_value=100)
    comment = forms.CharField(
        label=_("Comment for the trainee"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class PracticeChoicesForm(forms.Form):
    """What the trainee decides besides the screening answers: referrals and consent."""

    referral_kinds = forms.MultipleChoiceField(
        label=_("Kinds of agency you would refer the person to"),
        choices=referral_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis for sharing the person's data with those agencies"),
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, data: QueryDict | None = None) -> None:
        super().__init__(data, prefix="choice")


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())

    def __init__(self, data: QueryDict | None = None, *, countries: set[str]) -> None:
        super().__init__(data)
        self.fields["country"].queryset = Country.objects.filter(code__in=countries)  # type: ignore[attr-defined]
        self.fields["course"].queryset = Course.objects.filter(current=True)  # type: ignore[attr-defined]


class TraineeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class MemberForm(forms.Form):
    trainee = TraineeChoiceField(label=_("Trainee"), queryset=User.objects.none())

    def __init__(self, data: QueryDict | None = None, *, eligible: QuerySet[User]) -> None:
        super().__init__(data, prefix="member")
        self.fields["trainee"].queryset = eligible  # type: ignore[attr-defined]


_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of session"), choices=SessionKind.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_DATETIME)
    ends_at = forms.DateTimeField(
        label=_("Ends (for self-paced work: when the module is due)"), widget=_DATETIME
    )
    host_country = forms.ModelChoiceField(label=_("Host country"), queryset=Country.objects.none())
    module = forms.ModelChoiceField(
        label=_("Module (self-paced work)"), queryset=Module.objects.none(), required=False
    )
    cohorts = forms.ModelMultipleChoiceField(
        label=_("Your cohorts"),
        queryset=Cohort.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("Countries invited (dialogue sessions)"),
        queryset=Country.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, data: QueryDict | None = None, *, countries: set[str]) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields
        fields["host_country"].queryset = Country.objects.filter(code__in=countries)
        fields["module"].queryset = Module.objects.filter(
            retired=False, course__current=True
        ).select_related("course")
        fields["cohorts"].queryset = Cohort.objects.filter(country_id__in=countries)
        fields["invited"].queryset = Country.objects.exclude(code__in=countries)


class JoinSessionForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Your cohort"), queryset=Cohort.objects.none())

    def __init__(self, data: QueryDict | None = None, *, cohorts: QuerySet[Cohort]) -> None:
        super().__init__(data, prefix="join")
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    """One status per member of the trainer's cohorts in the session."""

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        members: list[CohortMember],
        initial: dict[str, str] | None = None,
    ) -> None:
        super().__init__(data, initial=initial, prefix="attendance")
        self.members = members
        for member in members:
            self.fields[str(member.trainee_id)] = forms.ChoiceField(
                label=member.trainee.get_full_name() or member.trainee.username,
                choices=[("", _("Not recorded")), *AttendanceStatus.choices],
                required=False,
            )

    def statuses(self) -> dict[int, str]:
        return {int(name): value for name, value in self.cleaned_data.items() if value}
