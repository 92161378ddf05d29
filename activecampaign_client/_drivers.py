"""The only code that performs I/O: carry out the commands of a flow, sync or async."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx

from ._flow import FlowContext, Operation, Sleep, execute

__all__ = ["AsyncDriver", "SyncDriver"]

T = TypeVar("T")


class SyncDriver:
    """Runs operations on an ``httpx.Client``; safe to share between threads."""

    def __init__(self, http: httpx.Client, ctx: FlowContext) -> None:
        self.http = http
        self.ctx = ctx

    def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to completion and return its result."""
        flow = execute(operation, self.ctx)
        reply: Any = None
        error: Exception | None = None
        while True:
            try:
                command = flow.throw(error) if error is not None else flow.send(reply)
            except StopIteration as stop:
                result: T = stop.value
                return result
            reply, error = None, None
            if isinstance(command, Sleep):
                self.ctx.clock.sleep(command.seconds)
                continue
            try:
                reply = self.http.send(command.request, follow_redirects=False)
            except httpx.TransportError as exc:
                error = exc


class AsyncDriver:
    """Runs operations on an ``httpx.AsyncClient``; safe to share between tasks."""

    def __init__(self, http: httpx.AsyncClient, ctx: FlowContext) -> None:
        self.http = http
        self.ctx = ctx

    async def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to completion and return its result."""
        flow = execute(operation, self.ctx)
        reply: Any = None
        error: Exception | None = None
        while True:
            try:
                command = flow.throw(error) if error is not None else flow.send(reply)
            except StopIteration as stop:
                result: T = stop.value
                return result
            reply, error = None, None
            if isinstance(command, Sleep):
                await self.ctx.clock.asleep(command.seconds)
                continue
            try:
                reply = await self.http.send(command.request, follow_redirects=False)
            except httpx.TransportError as exc:
                error = exc
