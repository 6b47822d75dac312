"""The partnership manager sets each agency's coverage target. (Being built: issue 15.)"""

from django.http import Http404


def targets(request):
    raise Http404
