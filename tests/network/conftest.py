"""The network tests talk to real servers on loopback (127.0.0.1), and nowhere else."""

from __future__ import annotations

import ssl

import pytest
import trustme


@pytest.fixture
def allowed_hosts() -> list[str]:
    """pytest-recording blocks the network; these tests may reach loopback only."""
    return [r"^127\.0\.0\.1$"]


@pytest.fixture(scope="session")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def server_tls(certificate_authority: trustme.CA) -> ssl.SSLContext:
    """TLS for a loopback server, with a certificate for 127.0.0.1 from the test CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="session")
def client_tls(certificate_authority: trustme.CA) -> ssl.SSLContext:
    """What a client needs to trust the loopback server (verification stays on)."""
    context = ssl.create_default_context()
    certificate_authority.configure_trust(context)
    return context
