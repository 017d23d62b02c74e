"""Model fields that apps declare alike."""

from django.conf import settings
from django.db import models


def staff_reference(verbose_name) -> models.ForeignKey:
    """The staff account that did something to a record (locked it, reviewed it…): optional, and set to NULL
    when the account is deleted, so that the record outlives it; no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
