"""A lead's workforce: upload her staff list (checked, previewed, then applied) or give a
headcount per job role. (Being built: issue 15.)"""

from django.http import Http404


def index(request):
    raise Http404


def template(request, kind):
    raise Http404


def upload(request, agency):
    raise Http404


def preview(request, agency, upload_id):
    raise Http404


def headcount(request, agency):
    raise Http404
