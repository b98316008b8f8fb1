"""An export either replaces the file whole or leaves everything as it was."""

import pytest

from qnapp.errors import QnappError
from qnapp.files import replacing, write_atomic


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "bao_cao.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with replacing(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("cable pulled")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_an_unwritable_place_gives_a_vietnamese_message(tmp_path):
    with pytest.raises(QnappError, match="Không ghi được tệp"):
        write_atomic(tmp_path / "no_such_folder" / "x.zip", b"data")


def test_success_replaces_the_file(tmp_path):
    target = tmp_path / "goi.zip"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and list(tmp_path.iterdir()) == [target]
