from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "amparo.dedup"
    label = "dedup"
    default_auto_field = "django.db.models.BigAutoField"
