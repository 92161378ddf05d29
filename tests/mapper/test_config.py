"""The destination config in RudderStack's shape, plus the optional ``trackingUrl``."""

from __future__ import annotations

import pytest

from activecampaign_client import ConfigurationError
from rudder_mapper import ActiveCampaignDestination, DestinationConfig

BASE = {"apiUrl": "https://acct.api-us1.com", "apiKey": "k" * 20, "actid": 1, "eventKey": "e"}


def test_tracking_url_reaches_the_client() -> None:
    config = {**BASE, "trackingUrl": "http://127.0.0.1:8123/event"}
    with ActiveCampaignDestination.from_config(config) as destination:
        assert str(destination.client.config.tracking_url) == "http://127.0.0.1:8123/event"


@pytest.mark.parametrize("missing", [None, ""])
def test_without_tracking_url_events_go_to_trackcmp(missing: str | None) -> None:
    arguments = DestinationConfig.from_mapping({**BASE, "trackingUrl": missing}).client_arguments()
    assert "tracking_url" not in arguments
    with ActiveCampaignDestination.from_config(BASE) as destination:
        assert str(destination.client.config.tracking_url) == "https://trackcmp.net/event"


def test_a_plain_http_tracking_url_off_loopback_is_a_config_error() -> None:
    with pytest.raises(ConfigurationError, match="tracking_url must use https"):
        ActiveCampaignDestination.from_config({**BASE, "trackingUrl": "http://example.com/e"})
