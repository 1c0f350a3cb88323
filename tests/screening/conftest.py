"""Shared fixture for screening: the shipped protocol. No database."""

import pytest

from amparo.screening.protocol import Protocol, load_protocol


@pytest.fixture
def protocol() -> Protocol:
    """Version 1.0, which saved screenings still use: the engine must keep evaluating it."""
    return load_protocol("rcm-2013", "1.0")


@pytest.fixture
def current() -> Protocol:
    """The newest version, which new screenings use."""
    return load_protocol("rcm-2013")
