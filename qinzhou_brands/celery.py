"""Celery application. Workers: `celery -A qinzhou_brands worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinzhou_brands.settings")

app = Celery("qinzhou_brands")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["core.imports"])  # the import pipeline's tasks (core.imports.tasks)
