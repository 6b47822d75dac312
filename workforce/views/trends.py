"""The last 8 quarters of coverage and completions. (Being built: issue 15.)"""

from django.http import Http404


def trends_report(request):
    raise Http404
