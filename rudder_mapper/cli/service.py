"""The service's commands (``serve``, ``worker``, ``db``, ``dead-letters``, ``accounts``):
registered from ``rudder_mapper.service.commands`` when the ``service`` extra is installed,
otherwise as stand-ins that say which extra to install."""

from __future__ import annotations

from ._app import app, fail

__all__ = ["SERVICE_COMMANDS"]

SERVICE_COMMANDS = ("serve", "worker", "db", "dead-letters", "accounts")

try:
    from ..service.commands import register
except ImportError as exc:  # the extra is missing: say so instead of "no such command"
    _missing = exc.name or "a dependency"

    def _needs_extra() -> None:
        raise fail(f"the service needs {_missing}: pip install 'activecampaign-rudder[service]'")

    for _name in SERVICE_COMMANDS:
        app.command(_name, help="Needs the service extra.", hidden=True)(_needs_extra)
else:
    register(app)
