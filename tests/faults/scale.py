"""Scaling for the fault tests: short by default (CI), long with INSPECTOR_FAULT_TRIALS=N.

`trials(short)` is how many crash or interruption trials a test runs, `fuzz(short)` a hypothesis settings
object with bounded examples and no deadline flakiness (each example is still guarded by a timeout).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

LONG = int(os.environ.get("INSPECTOR_FAULT_TRIALS", "0") or 0)


def trials(short: int) -> int:
    """The short count in CI, INSPECTOR_FAULT_TRIALS in the long mode."""
    return LONG or short


def fuzz(short: int) -> hypothesis_settings:
    """Bounded, repeatable examples (random ones in the long mode, to find new inputs each run)."""
    return hypothesis_settings(
        max_examples=max(short, LONG) if LONG else short,
        deadline=None,
        derandomize=not LONG,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                               HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
