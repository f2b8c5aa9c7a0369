"""Fixtures of the reliability suite: a fresh shop on the gateway, and the run's seed."""

from __future__ import annotations

import os
import random

import pytest

from tests.pos.api_shop import Shop, build_shop


@pytest.fixture
def shop(gateway) -> Shop:
    """A fresh merchant on the local stand-in, with a cashier, a manager and a member card."""
    return build_shop(gateway)


@pytest.fixture
def seed() -> int:
    """The run's seed: MPS_RELIABILITY_SEED to replay one, else a new one. Printed, so pytest
    shows it with a failing test's captured output."""
    value = int(os.environ.get("MPS_RELIABILITY_SEED") or random.SystemRandom().randrange(2**32))
    print(f"reliability seed: MPS_RELIABILITY_SEED={value}")
    return value


def scale() -> int:
    """How many times the default counts to run (MPS_SOAK_SCALE, 1 by default)."""
    return max(1, int(os.environ.get("MPS_SOAK_SCALE", "1")))
