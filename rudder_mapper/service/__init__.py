"""Delivery as a service: RudderStack events over HTTP into PostgreSQL, delivered by workers.

Needs the ``service`` extra (``pip install "activecampaign-rudder[service]"``). The
pieces, each usable on its own:

- ``accounts``: the accounts file (write key -> ActiveCampaign settings);
- ``intake`` and ``ingest``: RudderStack's HTTP API, storing events once committed;
- ``store`` and ``admin``: the events table, dead letters, account status, totals;
- ``outcomes`` and ``delivery``: what each result means, one account's delivery run;
- ``jobs``: the procrastinate tasks (deliver, sweep, retention);
- ``runner`` and ``commands``: the ``serve``/``worker``/``db``/``dead-letters``/
  ``accounts`` commands of ``rudder-activecampaign``.

The README's "Running as a service" says what is guaranteed and how to run it.
"""

from __future__ import annotations

__all__: list[str] = []
