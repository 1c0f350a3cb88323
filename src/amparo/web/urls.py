from django.urls import include, path

from amparo.web.views import admin, auth, cases, casework, editing, home, referrals, stats, system
from amparo.web.views import dedup as dedup_views
from amparo.web.views import exports as export_views
from amparo.web.views import federation as federation_views
from amparo.web.views import fieldwork as fieldwork_views
from amparo.web.views import subject as subject_views

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("2fa/setup/", auth.two_factor_setup, name="2fa_setup"),
    path("2fa/verify/", auth.two_factor_verify, name="2fa_verify"),
    path("language/", auth.switch_language, name="switch_language"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("caseload/", casework.caseload, name="caseload"),
    path("caseload/cases.csv", export_views.cases_csv, name="cases_csv"),
    path("register/", casework.register, name="register"),
    path("approvals/", casework.approvals, name="approvals"),
    path("approvals/<int:approval_id>/decide/", casework.decide, name="approval_decide"),
    path("cases/<int:case_id>/transition/", casework.transition, name="case_transition"),
    path("cases/<int:case_id>/close/", casework.close, name="case_close"),
    path("cases/<int:case_id>/reopen/", casework.reopen, name="case_reopen"),
    path("cases/<int:case_id>/person/", editing.person_edit, name="person_edit"),
    path("cases/<int:case_id>/subject/", subject_views.subject_rights, name="subject_rights"),
    path(
        "cases/<int:case_id>/subject/export.json",
        subject_views.subject_export_json,
        name="subject_export_json",
    ),
    path(
        "cases/<int:case_id>/subject/export.pdf",
        subject_views.subject_export_pdf,
        name="subject_export_pdf",
    ),
    path("cases/<int:case_id>/plan/", editing.plan_edit, name="plan_edit"),
    path("cases/<int:case_id>/plan/agree/", editing.plan_agree, name="plan_agree"),
    path("cases/<int:case_id>/consents/new/", casework.consent_new, name="consent_new"),
    path(
        "cases/<int:case_id>/consents/<int:consent_id>/withdraw/",
        casework.consent_withdraw,
        name="consent_withdraw",
    ),
    path("cases/<int:case_id>/tasks/new/", casework.task_new, name="task_new"),
    path("cases/<int:case_id>/tasks/<int:task_id>/done/", casework.task_done, name="task_done"),
    path("cases/<int:case_id>/child/", casework.child_records, name="child_records"),
    path("cases/<int:case_id>/summary.pdf", cases.case_pdf, name="case_pdf"),
    path("directory/", referrals.directory, name="directory"),
    path("cases/<int:case_id>/referrals/new/", referrals.referral_new, name="referral_new"),
    path("referrals/inbox/", referrals.inbox, name="referral_inbox"),
    path("referrals/team/", referrals.team, name="referral_team"),
    path("referrals/kpis/", referrals.kpis, name="referral_kpis"),
    path("referrals/<int:referral_id>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:referral_id>/slip.pdf", referrals.slip, name="referral_slip"),
    path(
        "referrals/<int:referral_id>/<slug:action>/",
        referrals.referral_action,
        name="referral_action",
    ),
    path(
        "cases/<int:case_id>/cross-border/",
        federation_views.case_cross_border,
        name="case_cross_border",
    ),
    path("cross-border/", federation_views.cross_border_inbox, name="cross_border_inbox"),
    path(
        "cross-border/refused/",
        federation_views.refused_envelopes,
        name="cross_border_refused",
    ),
    path(
        "cross-border/<int:cross_border_id>/",
        federation_views.cross_border_detail,
        name="cross_border_detail",
    ),
    path(
        "cross-border/<int:cross_border_id>/approve/",
        federation_views.cross_border_approve,
        name="cross_border_approve",
    ),
    path(
        "cross-border/received/<int:received_id>/",
        federation_views.received_detail,
        name="received_detail",
    ),
    path(
        "cross-border/received/<int:received_id>/<slug:action>/",
        federation_views.received_action,
        name="received_action",
    ),
    path("node/", federation_views.node, name="federation_node"),
    path("users/", admin.user_list, name="user_list"),
    path("fieldwork/", fieldwork_views.fieldwork_home, name="fieldwork"),
    path("fieldwork/xlsform/", fieldwork_views.xlsform_download, name="fieldwork_xlsform"),
    path("fieldwork/import/", fieldwork_views.submissions_import, name="fieldwork_import"),
    path("fieldwork/htcds/", fieldwork_views.htcds_download, name="fieldwork_htcds"),
    path("webhooks/", fieldwork_views.webhooks, name="webhooks"),
    path("webhooks/deliveries/", fieldwork_views.deliveries, name="webhook_deliveries"),
    path(
        "webhooks/<int:webhook_id>/disable/",
        fieldwork_views.webhook_disable,
        name="webhook_disable",
    ),
    path(
        "users/<int:user_id>/enrolment-code/",
        admin.user_enrolment_code,
        name="user_enrolment_code",
    ),
    path("users/<int:user_id>/reset-2fa/", admin.user_reset_two_factor, name="user_reset_2fa"),
    path("cases/<int:case_id>/assessments/", include("amparo.web.urls_assessment")),
    path("screening/", include("amparo.web.urls_screening")),
    path("training/", include("amparo.web.urls_training")),
    path("stats/", stats.dashboard, name="stats"),
    path("stats/report.pdf", stats.report_pdf, name="stats_report"),
    path("stats/<slug:table_id>-hxl.csv", stats.table_csv, {"flavour": "hxl"}, name="stats_hxl"),
    path("stats/<slug:table_id>.csv", stats.table_csv, {"flavour": "csv"}, name="stats_csv"),
    path("health", system.health, name="health"),
    path("duplicates/", dedup_views.duplicate_list, name="duplicate_list"),
    path("duplicates/scan/", dedup_views.duplicate_scan, name="duplicate_scan"),
    path("duplicates/<int:candidate_id>/", dedup_views.duplicate_detail, name="duplicate_detail"),
    path(
        "duplicates/<int:candidate_id>/<slug:action>/",
        dedup_views.duplicate_decide,
        name="duplicate_decide",
    ),
]
