from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "amparo.fieldwork"
    label = "fieldwork"
    default_auto_field = "django.db.models.BigAutoField"
