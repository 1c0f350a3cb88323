from ninja import NinjaAPI
from ninja.security import django_auth

from amparo.api.cases import router as cases_router
from amparo.api.screening import router as screening_router

api = NinjaAPI(
    title="Amparo API",
    version="1",
    description="Protection case management. Every endpoint is scoped like the web pages: "
    "anything outside the caller's country, agency or assignment answers 404.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/", cases_router)
api.add_router("/screenings", screening_router)
