"""Numbers the client runs on, in one place so their reasons sit beside them."""

from __future__ import annotations

import httpx

__all__ = [
    "API_PREFIX",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_REQUESTS_PER_SECOND",
    "DEFAULT_TIMEOUT",
    "EVENT_NAME_MAX_LENGTH",
    "INITIAL_RETRY_DELAY",
    "MAX_PAGES",
    "MAX_PAGE_SIZE",
    "MAX_RESPONSE_BYTES",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "TRACKCMP_URL",
]

API_PREFIX = "/api/3"
TRACKCMP_URL = "https://trackcmp.net/event"

# ActiveCampaign's documented budget: 5 requests per second per account, shared by every key.
DEFAULT_REQUESTS_PER_SECOND = 5.0

# Connect fast, but give slow list endpoints time to answer.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# Retry-After has been seen as large as 30 s; longer ones are capped to a minute.
MAX_RETRY_AFTER = 60.0

# limit/offset pagination: the API's default page is 20, its maximum 100.
MAX_PAGE_SIZE = 100
# A listing of more pages than this (a million items at 100 a page) is a server that does
# not honour limit/offset, not an account: refuse it rather than walk forever.
MAX_PAGES = 10_000

# Larger answers than this are refused instead of parsed: no documented endpoint comes close.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024

# Event names are reportedly cut at 32 characters by trackcmp; we refuse longer ones instead.
EVENT_NAME_MAX_LENGTH = 32
