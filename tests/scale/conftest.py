"""Fixtures of the scale tests: a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from tests.utils.pgcluster import new_database_url
from tests.utils.stores import require_postgres


@pytest.fixture
def postgres_url() -> str:
    """A fresh, empty database on the session's throwaway cluster."""
    require_postgres()
    return new_database_url("scale")
