"""Each member of staff's state, and reminders to a selection. (Being built: issue 15.)"""

from django.http import Http404


def staff_progress(request):
    raise Http404
