"""Assessment pages, relative to a case: included under `cases/<int:case_id>/assessments/` in
the `web` namespace, so every view takes `case_id` first."""

from django.urls import path

from amparo.web.views import assessment as views

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("new/", views.assessment_new, name="assessment_new"),
    path("<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("<int:assessment_id>/summary.svg", views.assessment_svg, name="assessment_svg"),
]
