from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "amparo.federation"
    label = "federation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Listen to the apps below: a consent withdrawn, an in-country referral's step."""
        from amparo.casework.signals import consent_withdrawn
        from amparo.federation.domain import hooks
        from amparo.referrals.signals import referral_transitioned

        consent_withdrawn.connect(hooks.consent_withdrawn, dispatch_uid="federation.withdrawn")
        referral_transitioned.connect(
            hooks.referral_transitioned, dispatch_uid="federation.referral_step"
        )
