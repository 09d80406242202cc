"""Role checks for whole sections; object access helpers live next to their selectors."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role


def role_required(*roles: Role):
    """The view is open to users with any of ``roles``; everyone else gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(request.user.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
