"""Shared fixture for screening: the shipped protocol. No database."""

import pytest

from amparo.screening.protocol import Protocol, load_protocol


@pytest.fixture
def protocol() -> Protocol:
    return load_protocol("rcm-2013")
