from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "amparo.assessment"
    label = "assessment"
    default_auto_field = "django.db.models.BigAutoField"
