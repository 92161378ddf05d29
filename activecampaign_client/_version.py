"""The installed version, read from the distribution's metadata.

``version`` in pyproject.toml is the one place it is written; the packages, the User-Agent
and the CLI all read it back from here.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["DISTRIBUTION", "__version__"]

DISTRIBUTION = "activecampaign-rudder"
"""The name the project is installed under (``pip install activecampaign-rudder``)."""

try:
    __version__: str = version(DISTRIBUTION)
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
