"""Fixtures shared by the POS tests."""

import pytest

from .api_shop import Shop, build_shop


@pytest.fixture
def shop(gateway) -> Shop:
    """A fresh merchant on the local stand-in, with a cashier, a manager and a member card."""
    return build_shop(gateway)
