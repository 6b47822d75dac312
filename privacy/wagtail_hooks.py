from wagtail import hooks

from privacy.audit import ACTIONS


@hooks.register("register_log_actions")
def register_privacy_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)
