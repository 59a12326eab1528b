"""Pages of collaboratives: ``/orgs/<org>/collaboratives/...``, one module per area.

Every route names the organization ``org`` and, below the list, the
collaborative ``collab``: that is what makes the tenancy middleware resolve
both and check membership (``bsc.middleware``).
"""

from __future__ import annotations

from django.urls import include, path

from collaboratives.urls.schedule import feed_urlpatterns

COLLAB = "orgs/<slug:org>/collaboratives/<slug:collab>/"

urlpatterns = [
    path("", include("collaboratives.urls.core")),
    path(COLLAB, include("collaboratives.urls.schedule")),
    path(COLLAB, include("collaboratives.urls.change_package")),
    path(COLLAB, include("collaboratives.urls.prework")),
    path(COLLAB, include("collaboratives.urls.sharing")),
    path(COLLAB, include("collaboratives.urls.report")),
    # The private calendar feed, outside /orgs/: calendar programs cannot sign in.
    path("", include(feed_urlpatterns)),
]
