"""What every app's forms share: a service's refusal shown on the form, date pickers, Bootstrap classes.

Forms parse input; the rules live in services and the database."""

import datetime
from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

# Free text a person writes (comments, reasons, resolutions): the API's serializers and the pages' forms
# take at most this many characters, so that neither entry point accepts what the other refuses.
FREE_TEXT_MAX_LENGTH = 1000


NOT_ALLOWED = "您没有权限进行此操作。"


def service_error_messages(error: ValidationError | PermissionDenied) -> list[str]:
    """A service's refusal as the messages to show the user (a bare PermissionDenied says it is not allowed)."""
    if isinstance(error, PermissionDenied):
        return [str(error) or NOT_ALLOWED]
    return list(getattr(error, "messages", None) or [str(error)])


def message_service_errors(request, error: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal as error messages on the next page (a form-less POST)."""
    for message in service_error_messages(error):
        messages.error(request, message)


def add_service_errors(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal on the form: a ValidationError under the field it names, otherwise (and a
    PermissionDenied) at the top."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or NOT_ALLOWED)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, errors)
    else:
        form.add_error(None, error)


def past_date_input(today: datetime.date) -> forms.DateInput:
    """A date picker that does not offer days after today (the services refuse them too)."""
    return forms.DateInput(attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d")


def add_bootstrap_classes(fields: Iterable[forms.Field]) -> None:
    """Bootstrap 5's class on every widget that has none yet: form-select for choices, form-control otherwise."""
    for field in fields:
        field.widget.attrs.setdefault(
            "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
        )


class BootstrapForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes (`add_bootstrap_classes`), for pages that draw it by hand."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self.fields.values())
