from wagtail import hooks

from certificates.viewsets import certificate_viewset


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return certificate_viewset


@hooks.register("register_log_actions")
def certificate_log_actions(actions):
    actions.register_action("certificates.revoke", "Revoke certificate", "Revoked the certificate")
    actions.register_action("certificates.reissue", "Re-issue certificate", "Re-issued the certificate")
