import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hcl import root  # noqa: E402


@pytest.fixture(scope="session")
def aws():
    return root("aws")


@pytest.fixture(scope="session")
def cloudflare():
    return root("cloudflare")


@pytest.fixture(scope="session")
def bootstrap():
    return root("bootstrap")
