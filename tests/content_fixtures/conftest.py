"""What the content loader tests share: a copy of the shipped data files to change."""

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "content_fixtures" / "data"


@pytest.fixture
def data_copy(tmp_path):
    """The shipped data files, copied where a test may edit them."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
