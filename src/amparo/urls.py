from django.urls import include, path

from amparo.api.urls import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("amparo.web.urls")),
]
