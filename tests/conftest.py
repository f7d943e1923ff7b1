"""Shared test set-up: the hypothesis profiles, and a fixture for tests that add ops.

Two profiles are registered:

- "dev" (the default): random examples, no deadline (the first call of a test can
  be slow while Python warms up, and a deadline would make that a failure).
- "ci": the same, but derandomized, so a CI run is reproducible: it fails or
  passes the same way every time, and a failure can be replayed locally with
  `CI=1 pytest ...`.

"ci" is loaded when the CI environment variable is set (as CI services do);
HYPOTHESIS_PROFILE=name picks a profile explicitly.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

import tinygrad_ann.engine as engine

settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=200,
    # A derandomized run must not fail only because the machine is slow.
    suppress_health_check=[HealthCheck.too_slow],
)
default_profile = "ci" if os.environ.get("CI") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or default_profile)


@pytest.fixture
def restore_op_catalogue():
    """Forget the ops a test registers with custom_op once it is done.

    custom_op registers its op in the engine's global catalogue, where every
    later test (and every test that walks OPS) would see it.
    """
    ops = dict(engine.OPS)
    yield
    engine.OPS.clear()
    engine.OPS.update(ops)
