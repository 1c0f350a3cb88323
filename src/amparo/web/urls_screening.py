"""Screening pages: included under `screening/` in the `web` namespace."""

from django.urls import path

from amparo.web.views import screening as views

urlpatterns = [
    path("", views.screening_list, name="screening_list"),
    path("new/", views.screening_new, name="screening_new"),
    path("questions/", views.screening_questions, name="screening_questions"),
    path("<int:screening_id>/", views.screening_detail, name="screening_detail"),
    path("<int:screening_id>/decide/", views.screening_decide, name="screening_decide"),
    path("<int:screening_id>/attach/", views.screening_attach, name="screening_attach"),
]
