import pytest

from workflow_design.plans import forget_plans


@pytest.fixture(autouse=True)
def _fresh_plans():
    # Test databases reuse ids; a plan cached by an earlier test must not be found by a later one.
    forget_plans()
