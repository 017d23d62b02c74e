from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = "就业服务"

    def ready(self):
        # Jobs and the referral rule depend on completed training; training announces its changes
        # because it may not import this app (see training/signals.py).
        from training.signals import progress_inputs_changed

        from . import tallies

        progress_inputs_changed.connect(tallies.on_training_changed, dispatch_uid="employment-tallies")
