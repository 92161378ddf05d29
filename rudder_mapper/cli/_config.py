"""Where ``send`` finds the account: ``--config`` (RudderStack's destination config as
JSON) or ``ACTIVECAMPAIGN_*`` environment variables."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ._app import fail

__all__ = ["ENV_KEYS", "load_config"]

ENV_KEYS: dict[str, str] = {
    "apiUrl": "ACTIVECAMPAIGN_API_URL",
    "apiKey": "ACTIVECAMPAIGN_API_KEY",
    "actid": "ACTIVECAMPAIGN_ACTID",
    "eventKey": "ACTIVECAMPAIGN_EVENT_KEY",
    "trackingUrl": "ACTIVECAMPAIGN_TRACKING_URL",
}


def load_config(path: Path | None) -> dict[str, Any]:
    """The destination config; exits 2 with what to do when there is none or it is unusable."""
    if path is None:
        config = {key: os.environ[env] for key, env in ENV_KEYS.items() if os.environ.get(env)}
        if "apiUrl" not in config or "apiKey" not in config:
            raise fail(
                "no account configured: pass --config dest.json (RudderStack's apiUrl, apiKey, "
                "actid, eventKey) or set ACTIVECAMPAIGN_API_URL and ACTIVECAMPAIGN_API_KEY "
                "(and ACTIVECAMPAIGN_ACTID / ACTIVECAMPAIGN_EVENT_KEY for track events)"
            )
        return config
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise fail(f"cannot read config {path}: {exc.strerror}") from None
    except ValueError:
        raise fail(f"config {path} is not valid JSON") from None
    if not isinstance(loaded, dict):
        raise fail(f"config {path} must be a JSON object with apiUrl, apiKey, actid, eventKey")
    return loaded
