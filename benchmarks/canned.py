"""Instant answers for CPU measurements: each endpoint's answer recorded once, then replayed.

The first successful answer of an endpoint (method, host, and path with ids blanked) comes
from an emulated account and is kept; later requests to that endpoint get the same answer
at once. Listings (GET) and failures always go to the emulator, so catalog loads see the
account as it is and a refused request is never replayed as a success. In steady state
nearly every request is answered from memory: what remains is our own CPU cost.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from activecampaign_client import ApiRequest, Operation
from activecampaign_client.testing import ActiveCampaignEmulator

__all__ = ["CannedJson", "CannedTransport"]

_ID = re.compile(r"\d+")


def _replayable(method: str, status: int) -> bool:
    return method != "GET" and 200 <= status < 300


class CannedTransport(httpx.MockTransport):
    """An httpx transport answering from memory, falling back to ``emulator``."""

    def __init__(self, emulator: ActiveCampaignEmulator) -> None:
        self._source = emulator.transport()
        self._answers: dict[tuple[str, str, str], tuple[int, list[tuple[str, str]], bytes]] = {}
        super().__init__(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        key = (request.method, request.url.host, _ID.sub("N", request.url.path))
        known = self._answers.get(key)
        if known is None:
            response = self._source.handle_request(request)
            response.read()
            known = (response.status_code, list(response.headers.items()), response.content)
            if _replayable(request.method, response.status_code):
                self._answers[key] = known
        status, headers, content = known
        return httpx.Response(status, headers=headers, content=content, request=request)


def _single(request: ApiRequest) -> Operation[Any]:
    data = yield request
    return data


class CannedJson:
    """Decoded JSON for ``ApiRequest``s, for driving operations without any HTTP objects."""

    def __init__(self, emulator: ActiveCampaignEmulator) -> None:
        self.client = emulator.client(requests_per_second=None, max_retries=0)
        self._answers: dict[tuple[str, str], Any] = {}

    def answer(self, request: ApiRequest) -> Any:
        """The JSON an instant server would send; raises the client's error on a failure."""
        key = (request.method, request.url or _ID.sub("N", request.path))
        if key in self._answers:
            return self._answers[key]
        data = self.client.run(_single(request))  # raises ActiveCampaignError on failure
        if request.method != "GET":
            self._answers[key] = data
        return data

    def drive(self, operation: Operation[Any]) -> Any:
        """Run ``operation`` to completion, answering each request instantly."""
        try:
            request = next(operation)
            while True:
                try:
                    data = self.answer(request)
                except Exception as error:
                    request = operation.throw(error)
                else:
                    request = operation.send(data)
        except StopIteration as stop:
            return stop.value

    def close(self) -> None:
        """Close the emulator client."""
        self.client.close()
