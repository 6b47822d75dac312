"""The partnership manager's board pack. (Being built: issue 15.)"""

from django.http import Http404


def board_pack(request, kind):
    raise Http404
