"""What the pages that write through a service share: run the service on a posted form, show its refusal."""

from django.core.exceptions import PermissionDenied, ValidationError

from .forms import add_service_errors


def service_save(request, form, write):
    """What `write(form.cleaned_data)` returns once `form` was posted and is valid; None when it was not, or
    when the service refused (its message is then on the form, which keeps what the user typed)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        add_service_errors(form, error)
        return None
