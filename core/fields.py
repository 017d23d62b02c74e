"""Model fields every app declares the same way: who took a step, and an optional link to reference data."""

from django.conf import settings
from django.db import models


def user_link(verbose_name, *, blank: bool = True, **options) -> models.ForeignKey:
    """The user who took a step; the record outlives the account (SET_NULL)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
        **options,
    )


def optional_link(model, verbose_name, *, related_name: str = "+", **options) -> models.ForeignKey:
    """A link a record may have; what it links to is never deleted under it (PROTECT)."""
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        **options,
    )
