"""Coverage of the workforce, beside the previous period, and its trend. (Being built: issue 15.)"""

from django.http import Http404


def coverage_report(request):
    raise Http404
