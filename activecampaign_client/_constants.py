"""Numbers the client runs on, in one place so their reasons sit beside them."""

from __future__ import annotations

import httpx

__all__ = [
    "ACCEPT_ENCODING",
    "API_PREFIX",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_REQUESTS_PER_SECOND",
    "DEFAULT_TIMEOUT",
    "EVENT_NAME_MAX_LENGTH",
    "INITIAL_RETRY_DELAY",
    "LIMITER_MARGIN_FRACTION",
    "LIMITER_MARGIN_SECONDS",
    "MAX_PAGES",
    "MAX_PAGE_SIZE",
    "MAX_RESPONSE_BYTES",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "TRACKCMP_URL",
]

API_PREFIX = "/api/3"

# The content codings asked for: only zlib's, which the client inflates under its size cap
# (httpx would add br and zstd when their packages are installed, inflating those uncapped).
ACCEPT_ENCODING = "gzip, deflate"
TRACKCMP_URL = "https://trackcmp.net/event"

# ActiveCampaign's documented budget: 5 requests per second per account, shared by every key.
DEFAULT_REQUESTS_PER_SECOND = 5.0

# The limiter's safety margin: the (burst + 1)-th start waits a window *plus* this after the
# first. The server counts arrivals, not our starts: if the first request of a window spends
# 20 ms longer on the network than the sixth, starts exactly one window apart land six in
# one server second and earn a 429. 2 % of the window plus 10 ms (30 ms at 5/s, 1.21 s a
# minute for bulk import) absorbs ordinary jitter for ~3 % of throughput, and keeps float
# rounding from ever putting a start inside the window.
LIMITER_MARGIN_FRACTION = 0.02
LIMITER_MARGIN_SECONDS = 0.010

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
