"""The privacy notice: public, so that anyone can read it before registering."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from cms.models import PartnershipSettings
from privacy import notice as notices


@require_safe
def notice(request):
    settings = PartnershipSettings.for_request(request)
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": notices.notice_for(settings),
            "access_url": notices.ACCESS_URL,
            "erasure_url": notices.ERASURE_URL,
            "ico_website": notices.ICO_WEBSITE,
            "ico_phone": notices.ICO_PHONE,
        },
    )
