"""Files uploaded for an import preview, kept under MEDIA_ROOT until the editor confirms.

A preview that is never confirmed would leave its file for ever, so each new upload (and
the `remove_stale_import_uploads` command, for a site where nobody imports for a while)
removes the files older than a day; the confirm link itself expires after an hour."""

import time
import uuid
from pathlib import Path

from django.conf import settings

KEEP_SECONDS = 24 * 60 * 60


def _upload_dir():
    path = Path(settings.MEDIA_ROOT) / "import-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(content):
    """Keep `content` for the confirm step and return its name."""
    remove_stale_uploads()
    name = f"{uuid.uuid4().hex}.upload"
    (_upload_dir() / name).write_bytes(content)
    return name


def take_upload(name):
    """The content of the upload `name`, removed as it is read: a confirm uses it once,
    whether the import then succeeds or is refused. FileNotFoundError if it has gone."""
    path = _upload_dir() / Path(name).name
    content = path.read_bytes()
    path.unlink(missing_ok=True)
    return content


def remove_stale_uploads():
    """Remove uploads older than a day; return how many."""
    cutoff = time.time() - KEEP_SECONDS
    stale = [path for path in _upload_dir().iterdir() if path.is_file() and path.stat().st_mtime < cutoff]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
