"""Finding the libzbar to bundle, or saying what to install."""

from __future__ import annotations

import sys

import pytest

from tools.installer import zbar

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux lookup")


def test_the_systems_libzbar_is_found_as_a_file():
    path = zbar.find_libzbar()  # setup.sh installs libzbar0; the POS tests need it too
    assert path.is_file() and path.name.startswith("libzbar.so")


def test_no_libzbar_is_an_error_that_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(zbar, "_linux_candidates", lambda: [tmp_path / zbar.SONAME])
    with pytest.raises(zbar.ZbarMissing, match="libzbar0"):
        zbar.find_libzbar()
