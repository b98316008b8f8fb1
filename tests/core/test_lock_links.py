"""The one-writer lock holds the file, whatever name it is opened by (issue 10, item 6)."""

import os

import pytest

from qnapp.errors import DatabaseLockedError
from qnapp.store import Store

UNIT = "2021:06652"
WHO = "Nguyễn Thị Hoa"


@pytest.fixture
def real(tmp_path):
    path = tmp_path / "data" / "qnapp.sqlite"
    with Store.open(path) as s:
        s.set_value(UNIT, "2025", "E1", "", 1, WHO)
    return path


def _refused_while_open(first, second):
    with Store.open(first) as s:
        with pytest.raises(DatabaseLockedError, match="đang được một phiên qnapp khác sử dụng"):
            Store.open(second)
        s.set_value(UNIT, "2025", "E1", "", 2, WHO)  # the first one still writes
    with Store.open(second) as s:  # free once the first is closed
        assert s.get_values(UNIT, "2025") == {("E1", ""): 2.0}


def test_symlinked_path_is_refused_by_the_lock(real, tmp_path):
    link = tmp_path / "elsewhere" / "link.sqlite"
    link.parent.mkdir()
    link.symlink_to(real)
    _refused_while_open(real, link)
    _refused_while_open(link, real)


def test_hard_link_is_refused_by_the_lock(real, tmp_path):
    other = tmp_path / "copy-folder" / "same-file.sqlite"
    other.parent.mkdir()
    os.link(real, other)
    _refused_while_open(real, other)
    _refused_while_open(other, real)


def test_a_new_database_is_locked_by_its_file_once_created(tmp_path):
    path = tmp_path / "new.sqlite"
    with Store.open(path):
        os.link(path, tmp_path / "hard.sqlite")
        with pytest.raises(DatabaseLockedError):
            Store.open(tmp_path / "hard.sqlite")
