"""``python -m rudder_mapper`` is the ``rudder-activecampaign`` command."""

from .cli import main

main()
