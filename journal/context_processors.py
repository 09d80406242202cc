from .roles import navigation_for


def roles(request):
    """The navigation entries the current user's roles open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user)}
