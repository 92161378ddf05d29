"""An in-process ActiveCampaign for tests, demos and benchmarks (like moto for AWS).

    from activecampaign_client.testing import ActiveCampaignEmulator

    emu = ActiveCampaignEmulator()          # simulated clock, 5 requests/s, no faults
    tag_id = emu.add_tag("vip")
    with emu.client() as ac:                # ActiveCampaign wired to the emulator
        synced = ac.contacts.sync("jane@example.com", first_name="Jane")
        ac.contact_tags.add(synced.contact.id, tag_id)
    assert emu.contact("jane@example.com").tags == {"vip"}

    emu.faults.script("POST /api/3/contact/sync", ["429", "500", "ok"])
    emu.faults.randomize(rate=0.2, seed=1)  # reproducible random faults

It serves the account host and trackcmp.net through an httpx transport
(``emu.transport()`` / ``emu.async_transport()``) with the API's shapes and quirks:
string ids and totals, pages of 20 by default (100 at most), 422 error bodies, duplicate
tags refused case-insensitively, a 200 HTML login page for a wrong Api-Token, trackcmp
``{"success": 0}`` refusals, and the 5 requests/second account limit (429 + Retry-After)
on its clock. Everything it received is in ``emu.requests``.

``EmulatorServer`` serves one over real HTTP on loopback (the account API and trackcmp's
``/event`` on one host:port, real clock): for end-to-end tests of processes.
"""

from ._clock import SimulatedClock, SimulatedSemaphore
from ._emulator import ActiveCampaignEmulator, RecordedRequest
from ._faults import DEFAULT_RANDOM_KINDS, FAULT_KINDS, FaultPlan
from ._records import EmulatedContact, TrackedEventRecord
from ._server import EmulatorServer

__all__ = [
    "DEFAULT_RANDOM_KINDS",
    "FAULT_KINDS",
    "ActiveCampaignEmulator",
    "EmulatedContact",
    "EmulatorServer",
    "FaultPlan",
    "RecordedRequest",
    "SimulatedClock",
    "SimulatedSemaphore",
    "TrackedEventRecord",
]
