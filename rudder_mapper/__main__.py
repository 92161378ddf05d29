"""``python -m rudder_mapper`` is the ``rudder-activecampaign`` command."""

from ._entry import main

main()
