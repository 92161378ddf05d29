"""The accounts file: which ActiveCampaign account each RudderStack source delivers to.

``{"<writeKey>": {"apiUrl": ..., "apiKey": ..., "actid": ..., "eventKey": ...,
"trackingUrl": ...}, ...}`` — one entry per source write key; several write keys may name
the same ActiveCampaign account, whose 5 requests/second they then share.

Secrets stay in memory: logs, errors, the database and ``accounts status`` name a source
by its *source id* (a short hash of the write key) and an account by its API host.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from activecampaign_client import ClientConfig, ConfigurationError

from ..config import DestinationConfig

__all__ = ["Accounts", "AccountsFile", "Source", "source_id"]

logger: logging.Logger = logging.getLogger("rudder_mapper.service")


def source_id(write_key: str) -> str:
    """A stable, printable name for a write key that does not reveal it."""
    return "src_" + hashlib.sha256(write_key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Source:
    """One write key's settings: where its events go, and the config that sends them."""

    id: str
    account: str
    """The ActiveCampaign account, by API host (``acct.api-us1.com``, with its port when
    it has one): the unit of the request budget and of pausing on a configuration fault."""
    config: Mapping[str, Any] = field(repr=False)
    """The entry as given (RudderStack's keys), for ``from_config``."""
    fingerprint: str = field(repr=False)
    """A hash of the settings: sources with equal settings share one destination, and a
    paused account resumes once its settings change."""


def _fingerprint(raw: Mapping[str, Any]) -> str:
    text = json.dumps(raw, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Accounts:
    """The parsed accounts file, looked up by write key (constant-time per entry)."""

    path: Path | None
    sources: Mapping[str, Source] = field(repr=False)
    mtime: float = 0.0

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Accounts:
        """Read and validate the file; a ConfigurationError names the faulty entry by its
        source id and the key at fault, never a secret."""
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
            mtime = file.stat().st_mtime
        except OSError as exc:
            raise ConfigurationError(f"cannot read accounts file {file}: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ConfigurationError(f"accounts file {file} is not valid JSON: {exc}") from None
        accounts = cls.from_mapping(data, origin=str(file))
        return cls(path=file, sources=accounts.sources, mtime=mtime)

    @classmethod
    def from_mapping(cls, data: object, *, origin: str = "accounts") -> Accounts:
        """Validate ``{writeKey: config}``; see ``load``."""
        if not isinstance(data, Mapping) or not data:
            raise ConfigurationError(
                f"{origin} must be a JSON object of write keys, each mapping to "
                '{"apiUrl", "apiKey", "actid", "eventKey"}'
            )
        sources: dict[str, Source] = {}
        for write_key, raw in data.items():
            if not isinstance(write_key, str) or not write_key.strip():
                raise ConfigurationError(f"{origin}: a write key is empty")
            sid = source_id(write_key)
            if not isinstance(raw, Mapping):
                raise ConfigurationError(f"{origin}: entry {sid} must be an object")
            try:
                config = DestinationConfig.from_mapping(raw)
                client = ClientConfig.create(
                    **{
                        k: v
                        for k, v in config.client_arguments().items()
                        if k in ("api_url", "api_key", "actid", "event_key", "tracking_url")
                    },
                    timeout=30.0,
                )
            except ConfigurationError as exc:
                raise ConfigurationError(f"{origin}: entry {sid}: {exc}") from None
            sources[write_key] = Source(
                id=sid,
                account=client.origin.netloc.decode("ascii").lower(),
                config=dict(raw),
                fingerprint=_fingerprint(raw),
            )
        return cls(path=None, sources=sources)

    def get(self, write_key: str) -> Source | None:
        """The source for a write key, or None for an unknown one."""
        return self.sources.get(write_key)

    def by_id(self, sid: str) -> Source | None:
        """The source with this source id."""
        return next((s for s in self.sources.values() if s.id == sid), None)

    def for_account(self, account: str) -> list[Source]:
        """Every source delivering to ``account``."""
        return [s for s in self.sources.values() if s.account == account]

    @property
    def account_names(self) -> list[str]:
        """Every account, sorted."""
        return sorted({s.account for s in self.sources.values()})

    def account_fingerprint(self, account: str) -> str:
        """One hash of every setting that delivers to ``account``."""
        parts = sorted(s.fingerprint for s in self.for_account(account))
        return hashlib.sha256(",".join(parts).encode()).hexdigest()[:16]

    def changed_on_disk(self) -> bool:
        """Whether the file was modified since it was read (a reload is due)."""
        if self.path is None:
            return False
        try:
            return self.path.stat().st_mtime != self.mtime
        except OSError:
            return False

    def __iter__(self) -> Iterator[Source]:
        return iter(self.sources.values())

    def __repr__(self) -> str:
        return f"Accounts(path={self.path!s}, sources={len(self.sources)})"


class AccountsFile:
    """The accounts file as a process sees it: read at start, read again when it changes
    on disk (checked at most every ``check_every`` seconds) or on ``reload()`` (SIGHUP).

    A file that became invalid is reported and ignored: the process keeps the settings it
    had, so a half-saved edit never stops deliveries.
    """

    def __init__(self, path: str | os.PathLike[str], *, check_every: float = 2.0) -> None:
        self.path: Path = Path(path)
        self.check_every = check_every
        self.current: Accounts = Accounts.load(self.path)
        self._checked = time.monotonic()

    def refresh(self) -> Accounts:
        """The current accounts, re-read first if the file changed."""
        now = time.monotonic()
        if now - self._checked >= self.check_every:
            self._checked = now
            if self.current.changed_on_disk():
                self.reload()
        return self.current

    def reload(self) -> Accounts:
        """Read the file again now."""
        try:
            self.current = Accounts.load(self.path)
        except ConfigurationError as exc:
            logger.error("accounts file not reloaded, keeping the previous one: %s", exc)
        else:
            logger.info("accounts file reloaded: %d sources", len(self.current.sources))
        return self.current
