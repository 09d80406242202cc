"""The real client address behind the school's reverse proxies (for the login lockout of django-axes).

Behind nginx every request comes from the proxy's address: a lockout per address would then lock the whole
school out after ten typos by anyone. With ``AXES_PROXY_COUNT=N`` (the number of proxies in front of the app
that append to ``X-Forwarded-For``, see the README), the client is the N-th address from the right of that
header: the one the outermost of our own proxies saw. Addresses further left are whatever the client sent and
are never trusted. With N = 0, or a header shorter than N, the connection's own address is used.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
