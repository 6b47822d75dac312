from wagtail import hooks

from certificates import views
from certificates.details import attach_certificates
from certificates.viewsets import certificate_viewset
from courses import downloads
from courses.progress import COMPLETION_EXTRA_HOOK, CompletionExtra
from courses.reporting.tabs import ReportTab


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return certificate_viewset


@hooks.register("register_log_actions")
def certificate_log_actions(actions):
    actions.register_action("certificates.revoke", "Revoke certificate", "Revoked the certificate")
    actions.register_action("certificates.reissue", "Re-issue certificate", "Re-issued the certificate")


@hooks.register(COMPLETION_EXTRA_HOOK)
def certificate_beside_completions():
    """My learning and a lead's staff record show each completion's certificate: its code and
    download link, or why there is none (revoked, or still being prepared)."""
    return CompletionExtra(
        attach=attach_certificates,
        learner_template="certificates/includes/completion_learner.html",
        staff_template="certificates/includes/completion_staff.html",
    )


@hooks.register("register_report_tab")
def certificates_report_tab():
    """Certificates join the leads' Reports as a tab (the lead's list of her staff's certificates)."""
    return ReportTab("certificates", "Certificates", "certificates:lead_list", order=40, keep_filters=False)


@hooks.register(downloads.HOOK)
def certificates_zip_download():
    """A lead's ZIP of her staff's certificates, made in the background when there are many."""
    return views.CERTIFICATES_ZIP
