"""The partnership manager's targets and the board pack. (Being built: issue 15.)"""

from django.http import Http404


def targets(request):
    raise Http404


def board_pack(request, kind):
    raise Http404
