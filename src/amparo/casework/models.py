"""Case plans, goals and actions, tasks, approvals and child-protection records.

Free text about a person (goals, actions, evidence, decisions) is encrypted: it often holds
details of what happened to them. Titles of tasks are short, written by staff, and may be
seen on caseload pages; the guidance asks for no names in them, and they are encrypted too.
"""

from django.conf import settings
from django.db import models

from amparo.accounts.models import Agency
from amparo.casework.enums import (
    ApprovalDecision,
    ApprovalKind,
    BestInterestsKind,
    ConsentMethod,
    ConsentPurpose,
    DurableSolution,
    ItemStatus,
    LegalBasis,
    PlanStatus,
    TaskPriority,
    TaskStatus,
    TracingStatus,
)
from amparo.people.models import Case
from amparo.protection.fields import EncryptedTextField

_USER = settings.AUTH_USER_MODEL


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField()
    priority = models.CharField(
        max_length=10, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, related_name="tasks"
    )
    source = models.CharField(max_length=60, blank=True)  # what created it, e.g. assessment.danger
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["assigned_to", "status", "due_at"])]

    def __str__(self) -> str:
        return f"Task #{self.pk} of case #{self.case_id}"


class CasePlan(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    summary = EncryptedTextField(blank=True)
    agreed_with_person = models.BooleanField(default=False)
    agreed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, related_name="+")

    def __str__(self) -> str:
        return f"Plan of case #{self.case_id}"


class Goal(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    description = EncryptedTextField()
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Goal #{self.pk}"


class PlanAction(models.Model):
    """An action or service under a goal: who is responsible, by when, and its status."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField()
    responsible_user = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.PLANNED)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Action #{self.pk}"


class Approval(models.Model):
    """A supervisor's decision on a step that needs one (closing a case, a high-concern plan)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=20, choices=ApprovalKind.choices)
    decision = models.CharField(
        max_length=10, choices=ApprovalDecision.choices, default=ApprovalDecision.PENDING
    )
    requested_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    details = models.JSONField(default=dict)  # codes only, e.g. {"reason": "objectives_met"}
    comment = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["decision", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} approval #{self.pk}"


class BestInterestsRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests")
    kind = models.CharField(max_length=3, choices=BestInterestsKind.choices)
    held_on = models.DateField()
    participants = EncryptedTextField(blank=True)
    child_views = EncryptedTextField(blank=True)
    findings = EncryptedTextField()
    durable_solution = models.CharField(
        max_length=30, choices=DurableSolution.choices, default=DurableSolution.PENDING
    )
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Guardian(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="guardian")
    name = EncryptedTextField()
    # legal_guardian, child_protection_officer, ...: who protects a child says what happened to
    # the family, so it is encrypted like the name.
    relationship = EncryptedTextField()
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appointed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Guardian of case #{self.case_id}"


class FamilyTracingStep(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tracing_steps")
    description = EncryptedTextField()
    status = models.CharField(
        max_length=12, choices=TracingStatus.choices, default=TracingStatus.PLANNED
    )
    started_on = models.DateField()
    outcome = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"Tracing step #{self.pk}"


class Consent(models.Model):
    """Consent (or another legal basis) for one purpose, and for sharing, one recipient.

    Assistance never depends on consent to sharing: each purpose is its own record. Where
    consent cannot be freely given, the legal basis is recorded with a justification.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    recipient = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legal_basis = models.CharField(
        max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    justification = EncryptedTextField(blank=True)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices, blank=True)
    language = models.CharField(max_length=5)  # the language the text was given in
    interpreter_used = models.BooleanField(default=False)
    interpreter_name = EncryptedTextField(blank=True)
    given_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_note = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["case", "purpose"])]

    def __str__(self) -> str:
        return f"{self.purpose} consent #{self.pk}"


class CaseNote(models.Model):
    """A note that a rule requires (why a case was reopened, why an approval was refused)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20)  # reopen, closure, ...
    text = EncryptedTextField()
    author = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} note #{self.pk}"
