from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles_after_last_app(sender, **kwargs):
    # post_migrate is sent once per app that has models, and each app's permissions are created on its own
    # signal; the groups can take every permission only after the last such app's. (Apps without models,
    # such as dashboard and demo, get no signal: waiting for the last app in the list waited for ever, and a
    # deployment adding a model left every role without its permissions.)
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label == with_models[-1].label:
        from .services import roles_sync

        roles_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="accounts.roles_sync")
        from . import signals

        signals.connect()  # API tokens end with a password change or deactivation
