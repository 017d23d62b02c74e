from .roles import DEPARTMENT_ROLES
from .scoping import scope_for, user_department


def staff_scope(request):
    """The user's role and area for the page header (a department reporter's: its department)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    department = user_department(user) if scope.role in DEPARTMENT_ROLES else None
    return {"staff_scope": scope, "staff_department": department}
