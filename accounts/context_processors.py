from .scoping import scope_for


def staff_scope(request):
    """The user's role and area for the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"staff_scope": scope_for(user)}
