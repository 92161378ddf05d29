"""The service's commands (``serve``, ``worker``, ``db``, ``dead-letters``, ``accounts``):
registered from ``rudder_mapper.service.commands`` when the ``service`` extra is installed,
otherwise as stand-ins that say which extra to install."""

from __future__ import annotations

from collections.abc import Callable

from ._app import app, fail

__all__ = ["SERVICE_COMMANDS"]

SERVICE_COMMANDS = ("serve", "worker", "db", "dead-letters", "accounts")


def _stand_in(missing: str) -> Callable[[], None]:
    def needs_extra() -> None:
        raise fail(f"the service needs {missing}: pip install 'activecampaign-rudder[service]'")

    return needs_extra


def _register() -> None:
    try:
        from ..service.commands import register
    except ImportError as exc:  # the extra is missing: say so, not "no such command"
        needs_extra = _stand_in(exc.name or "a dependency")
        for name in SERVICE_COMMANDS:
            app.command(name, help="Needs the service extra.", hidden=True)(needs_extra)
        return
    register(app)


_register()
