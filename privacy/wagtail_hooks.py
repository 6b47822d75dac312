from wagtail import hooks

from privacy.audit import ACTIONS, formatter


@hooks.register("register_log_actions")
def register_privacy_actions(actions):
    for action in ACTIONS:
        actions.register_action(action)(formatter(action))
