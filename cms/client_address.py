"""The one answer to "which address is this visitor at?", for every limit and lock.

Behind a reverse proxy `REMOTE_ADDR` is the proxy's own address, so a limit keyed on it is
shared by every visitor and lets anyone lock everyone out. Each proxy appends the address it
saw to `X-Forwarded-For`, and a visitor can put anything in front of those entries; only
the last `TRUSTED_PROXY_COUNT` hops are the site's own. So the client is the entry that the
outermost trusted proxy wrote: `TRUSTED_PROXY_COUNT` places from the right of the chain
`X-Forwarded-For + [REMOTE_ADDR]`. With no proxy (the default) the header is ignored.

django-ipware counts the proxies inside the header rather than behind `REMOTE_ADDR` and so
returns nothing for the common one-proxy case (`X-Forwarded-For: <client>`); this rule is
short enough to own.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The visitor's IP address, as django-axes, django-ratelimit and the site's own limits read it."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in forwarded if part] + [remote]
    # A chain shorter than the proxies in front of the site holds only their entries.
    candidate = chain[max(len(chain) - 1 - hops, 0)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
