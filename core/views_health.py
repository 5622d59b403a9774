"""`/healthz`: a liveness probe for the load balancer and the load test's floor.

Plain "ok" without touching the database, the session or the cache: it measures what
any request through Django's middleware costs, and answers while the database is down
(a readiness check that needs the database would be a different view).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
