"""Pure request building: what a call means, then the exact httpx.Request for it.

User data (ids, event names, domains) only ever lands in a path through ``segment``, which
percent-encodes it and refuses dot segments, so it can never change the host or the path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

import httpx

from ._config import ClientConfig
from ._constants import ACCEPT_ENCODING, API_PREFIX, TRACKCMP_URL
from ._exceptions import InvalidInputError
from ._version import __version__

__all__ = [
    "ApiRequest",
    "Budget",
    "build_http_request",
    "DefaultHeaders",
    "default_headers",
    "encode_json",
    "Expect",
    "object_id",
    "segment",
]

Expect = Literal["json", "text"]
"""What a successful answer holds: JSON (almost every endpoint), or text (the site
tracking snippet), which is then passed to the operation as a ``str``."""

Budget = Literal["api", "bulk_import", "bulk_import_single", "tracking"]
"""Which rate budget a request spends: the account's API budget, bulk import's per-minute
budget (which also spends the API budget), or trackcmp.net's own."""

_USER_AGENT = f"activecampaign-client-python/{__version__}"

# Headers whose value is ours whatever the user's http_client says: what we send and how
# (Accept-Encoding: only codings the client can inflate under its size cap), and the key.
_OURS = ("accept", "accept-encoding", "content-type", "api-token")
# Headers httpx works out per request: a default for them would be wrong.
_PER_REQUEST = ("host", "content-length", "transfer-encoding")


def encode_json(value: Any) -> bytes:
    """A JSON body exactly as the client sends it (compact, ASCII)."""
    return json.dumps(value, separators=(",", ":")).encode()


DefaultHeaders = tuple[tuple[str, str], ...]
"""The user's http_client's default headers to send with ours (see ``default_headers``)."""


def default_headers(headers: httpx.Headers) -> DefaultHeaders:
    """Which default headers of the user's http_client go with every request, worked out
    once when the client is made (``client.send``, which the drivers use, ignores them).

    Ours win for Accept, Accept-Encoding, Content-Type and Api-Token (a default Api-Token
    is dropped: the key still goes to the account host only); a User-Agent of the user's
    own comes first, ours appended to it (httpx's default one is left out); the others
    are sent as they are.
    """
    httpx_agent = f"python-httpx/{httpx.__version__}"
    return tuple(
        (name, value)
        for name, value in headers.items()
        if name not in (*_OURS, *_PER_REQUEST) and (name, value) != ("user-agent", httpx_agent)
    )


def segment(value: str | int, *, name: str) -> str:
    """One percent-encoded path segment; ``name`` is the argument, for the error message."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInputError(name, f"must be a string or an integer, not {type(value).__name__}")
    text = str(value)
    if not text.strip() or text in (".", ".."):
        raise InvalidInputError(name, f"must not be empty or a dot segment, got {text!r}")
    return quote(text, safe="")


def object_id(value: str | int, *, name: str) -> str:
    """An ActiveCampaign object id: a positive integer given as int or digit string."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInputError(
            name, f"must be an id (int or digit string), not {type(value).__name__}"
        )
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise InvalidInputError(name, f"must be a numeric id, got {value!r}")
    return text


# Methods whose repetition is harmless by default: reads, and PUT, which sets a state.
# POST creates (a retried create can succeed twice, or answer a 422 "duplicate" to a call
# that did succeed) and DELETE's second attempt is a 404 for an object the first removed.
_REPLAY_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT"})


@dataclass(frozen=True)
class ApiRequest:
    """A call in ActiveCampaign terms, before any URL or header exists.

    ``path`` is relative to ``/api/3`` unless ``url`` is given (trackcmp.net).
    ``replay_safe`` says whether sending it twice is harmless, i.e. whether it may be
    retried after a failure the server may have acted on (a timeout, a 5xx; see
    RetryPolicy). None, the default, decides by method: True for GET and PUT, False for
    POST and DELETE; an operation whose POST is an upsert says ``replay_safe=True``.
    ``expect="text"`` is for the few endpoints answering plain text: the operation then
    receives the body as a ``str`` (or the JSON, if the server sends JSON after all).
    ``headers`` are sent after the client's own (see ``RequestOptions.extra_headers``);
    ``timeout`` replaces the client's for this request.
    """

    method: str
    path: str = ""
    params: Mapping[str, str | int] | None = None
    json: Any = None
    form: Mapping[str, str] | None = None
    url: str | None = None
    replay_safe: bool | None = None
    budget: Budget = "api"
    expect: Expect = "json"
    headers: tuple[tuple[str, str], ...] = ()
    timeout: httpx.Timeout | None = None

    @property
    def safe_to_replay(self) -> bool:
        """``replay_safe``, or the method's default when the operation did not say."""
        if self.replay_safe is not None:
            return self.replay_safe
        return self.method.upper() in _REPLAY_SAFE_METHODS

    @property
    def on_account_host(self) -> bool:
        """True for /api/3 calls, which carry the Api-Token and spend the account budget."""
        return self.url is None

    def describe(self) -> str:
        """``METHOD path`` for messages: never a query string, header or body."""
        return f"{self.method} {self.url or API_PREFIX + '/' + self.path}"


def build_http_request(
    request: ApiRequest, config: ClientConfig, client_headers: DefaultHeaders = ()
) -> httpx.Request:
    """The httpx.Request for ``request``. The Api-Token goes to the account host only.

    ``client_headers``: the user's http_client's default headers (``default_headers``).

    Text that cannot be encoded (a lone surrogate, which JSON input can carry) or a query
    too long for a URL is an InvalidInputError before anything is sent, not a crash out of
    the request loop.
    """
    try:
        return _build(request, config, client_headers)
    except UnicodeEncodeError:
        raise InvalidInputError(
            "value",
            f"{request.describe()}: a value is not valid Unicode text (it holds a lone "
            "surrogate); nothing was sent",
        ) from None
    except httpx.InvalidURL as exc:
        raise InvalidInputError(
            "value", f"{request.describe()}: cannot be sent as a URL ({exc}); nothing was sent"
        ) from None


def _build(
    request: ApiRequest, config: ClientConfig, client_headers: DefaultHeaders
) -> httpx.Request:
    # Only the codings the client can inflate under its size cap (see BodyReader).
    headers = {
        "Accept": "application/json",
        "Accept-Encoding": ACCEPT_ENCODING,
        "User-Agent": _USER_AGENT,
    }
    content: bytes | None = None
    if request.json is not None:
        headers["Content-Type"] = "application/json"
        content = encode_json(request.json)
    elif request.form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        content = urlencode(dict(request.form)).encode()
    if request.url is None:  # on the account host
        url = config.origin.copy_with(path=f"{API_PREFIX}/{request.path}")
        headers["Api-Token"] = config.api_key
    elif request.url == TRACKCMP_URL:
        # Operations name the tracking endpoint by its public address; the client may
        # have been pointed elsewhere (``tracking_url``: the emulator, a local server).
        url = config.tracking_url
    else:
        url = httpx.URL(request.url)
    return httpx.Request(
        request.method,
        url,
        params=dict(request.params) if request.params else None,
        headers=_with_extra(
            _merged(headers, client_headers) if client_headers else list(headers.items()),
            request.headers,
        ),
        content=content,
        extensions={"timeout": (request.timeout or config.timeout).as_dict()},
    )


def _with_extra(
    headers: list[tuple[str, str]], extra: tuple[tuple[str, str], ...]
) -> list[tuple[str, str]]:
    # A call's extra headers replace those of the same name (the names they may not touch
    # are refused earlier: see _options).
    if not extra:
        return headers
    replaced = {name.lower() for name, _ in extra}
    return [(n, v) for n, v in headers if n.lower() not in replaced] + list(extra)


def _merged(ours: dict[str, str], defaults: DefaultHeaders) -> list[tuple[str, str]]:
    # ``defaults`` holds none of the names we set but User-Agent, which we append to.
    merged = [(name, value) for name, value in defaults if name != "user-agent"]
    agent = next((value for name, value in defaults if name == "user-agent"), None)
    if agent:
        ours = {**ours, "User-Agent": f"{agent} {ours['User-Agent']}"}
    return merged + list(ours.items())
