"""RudderStack events (identify, track, screen, page) delivered to ActiveCampaign.

from activecampaign_client import ActiveCampaign
from rudder_mapper import ActiveCampaignDestination

dest = ActiveCampaignDestination.from_config(
    {"apiUrl": url, "apiKey": key, "actid": actid, "eventKey": event_key})
for result in dest.process_batch(messages):
    if not result.delivered:
        ...  # result.retryable: try later; otherwise fix the event (result.error)
"""

from activecampaign_client import __version__

from ._errors import EventError
from .actions import IdentifyPlan, PagePlan, Plan, TrackPlan, plan_message
from .catalog import Catalog
from .config import DestinationConfig
from .destination import ActiveCampaignDestination, AsyncActiveCampaignDestination
from .imports import ImportWait
from .limits import MappingLimits
from .results import DeliveryResult

__all__ = [
    "ActiveCampaignDestination",
    "AsyncActiveCampaignDestination",
    "Catalog",
    "DeliveryResult",
    "DestinationConfig",
    "EventError",
    "IdentifyPlan",
    "ImportWait",
    "MappingLimits",
    "PagePlan",
    "Plan",
    "TrackPlan",
    "__version__",
    "plan_message",
]
