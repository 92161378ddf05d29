"""site_tracking: status, enable, disable, whitelisted domains — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import WhitelistedDomain

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_status(api: Both) -> None:
    assert (await api(api.site_tracking.status)).enabled is True


async def test_enable(api: Both) -> None:
    assert (await api(api.site_tracking.enable)).enabled is True


async def test_disable(api: Both) -> None:
    assert (await api(api.site_tracking.disable)).enabled is False


async def test_list_domains(api: Both) -> None:
    domains = await api.all(api.site_tracking.list_domains())
    assert [(d.id, d.domain) for d in domains] == [("490469", "example.com")]
    # JSON:API attributes are flattened; the rest are kept as extra keys.
    assert domains[0].model_extra is not None
    assert domains[0].model_extra["whitelisted_page"] == "*"


async def test_add_domain(api: Both) -> None:
    domain = await api(api.site_tracking.add_domain, "Example.com")
    assert isinstance(domain, WhitelistedDomain)
    assert (domain.id, domain.domain) == ("534756", "example.com")


async def test_remove_domain(api: Both) -> None:
    # The API answers 204 with an empty body.
    assert await api(api.site_tracking.remove_domain, "534756") is None
    assert api.requests_sent == 1


async def test_code(api: Both) -> None:
    # Documented as text/plain: the script element itself, not JSON and not a login page.
    code = await api(api.site_tracking.code)
    assert code.lstrip().startswith('<script type="text/javascript">')
    assert "pgo('setAccount', YOUR_ACCOUNT_ID);" in code
    assert code.rstrip().endswith("</script>")
