"""Traits from both scopes, and custom traits stored in the custom field of their name."""

from __future__ import annotations

from typing import Any

from rudder_mapper import IdentifyPlan, plan_message
from rudder_mapper.actions import ListChange

from .conftest import EmulatorHarness, seeded_emulator


def _plan(traits: dict[str, Any], context: dict[str, Any] | None = None) -> IdentifyPlan:
    message: dict[str, Any] = {"type": "identify", "traits": {"email": "a@example.com", **traits}}
    if context is not None:
        message["context"] = {"traits": context}
    plan = plan_message(message)
    assert isinstance(plan, IdentifyPlan)
    return plan


def test_tags_are_the_union_of_both_scopes() -> None:
    plan = _plan({"tags": ["VIP", "Beta"]}, {"tags": ["beta", "Churn Risk"]})
    assert plan.tags == ("VIP", "Beta", "Churn Risk")
    only_context = _plan({}, {"tags": "Solo"})
    assert only_context.tags == ("Solo",)


def test_field_info_merges_per_key_with_traits_winning() -> None:
    plan = _plan(
        {"fieldInfo": {"Interest": "Books"}},
        {"fieldInfo": {"Interest": "Games", "Country": "FR"}},
    )
    assert {(e.key, e.value, e.path) for e in plan.field_info} == {
        ("Country", "FR", "context.traits.fieldInfo.Country"),
        ("Interest", "Books", "traits.fieldInfo.Interest"),
    }


def test_lists_merge_per_id_with_traits_winning() -> None:
    plan = _plan(
        {"lists": [{"id": 2, "status": "unsubscribe"}]},
        {"lists": [{"id": 2, "status": "subscribe"}, {"id": 3, "status": "subscribe"}]},
    )
    assert set(plan.lists) == {ListChange("2", False), ListChange("3", True)}
    [two] = [c for c in plan.lists if c.list_id == "2"]
    assert two.path == "traits.lists[0]"


def test_custom_traits_are_every_non_standard_trait_of_both_scopes() -> None:
    plan = _plan(
        {
            "firstName": "Ann",
            "first-name": "Ann",
            "Phone": "1",
            "address": {"city": "Paris"},
            "userId": "u1",
            "company": "Acme",
            "shirt_size": "M",
            "nothing": None,
        },
        {"company": "Context Inc", "plan": "Pro", "Email": "x@example.com"},
    )
    assert {(e.key, e.value, e.path) for e in plan.custom_traits} == {
        ("company", "Acme", "traits.company"),
        ("shirt_size", "M", "traits.shirt_size"),
        ("plan", "Pro", "context.traits.plan"),
    }
    assert plan.needs == {"fields"}


async def test_custom_traits_matching_a_field_are_stored(on_emulator: EmulatorHarness) -> None:
    emulator = seeded_emulator()
    shirt = emulator.add_field("T-shirt size", perstag="SHIRT_SIZE")
    company = emulator.add_field("Company")
    plan_field = emulator.add_field("Plan Name", perstag="PLAN")
    harness, _ = await on_emulator(emulator)
    result = await harness.process(
        {
            "type": "identify",
            "traits": {
                "email": "a@example.com",
                "Shirt-Size": "M",  # the perstag, another spelling
                "company": "Acme",  # the title
                "plan": "Free",
                "fieldInfo": {"PLAN": "Pro"},  # an explicit key wins over the trait
                "favourite_colour": "green",
            },
            "context": {"traits": {"utm_source": "ad", "company": "Not this one"}},
        }
    )
    assert result.delivered and result.warnings == (), result
    assert sorted(result.unmapped) == ["context.traits.utm_source", "traits.favourite_colour"]
    contact = emulator.contact("a@example.com")
    assert contact is not None
    assert contact.field_values == {shirt: "M", company: "Acme", plan_field: "Pro"}


async def test_standard_traits_never_fill_a_custom_field(on_emulator: EmulatorHarness) -> None:
    emulator = seeded_emulator()
    emulator.add_field("Email")
    emulator.add_field("Phone")
    emulator.add_field("Tags")
    harness, _ = await on_emulator(emulator)
    result = await harness.process(
        {"type": "identify", "traits": {"email": "a@example.com", "phone": "555", "tags": "X"}}
    )
    assert result.delivered and result.unmapped == ()
    contact = emulator.contact("a@example.com")
    assert contact is not None and contact.field_values == {} and contact.phone == "555"
    assert "GET /api/3/fields" not in harness.calls()  # nothing to look up


async def test_a_value_the_field_cannot_hold_is_a_warning(on_emulator: EmulatorHarness) -> None:
    emulator = seeded_emulator()
    emulator.add_field("Birthday", type="date")
    harness, _ = await on_emulator(emulator)
    result = await harness.process(
        {"type": "identify", "traits": {"email": "a@example.com", "birthday": "soon"}}
    )
    assert result.delivered
    assert [w.startswith("traits.birthday:") for w in result.warnings] == [True]


async def test_both_scopes_reach_the_account(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    result = await harness.process(
        {
            "type": "identify",
            "traits": {"email": "a@example.com", "tags": ["VIP"], "fieldInfo": {"Country": "FR"}},
            "context": {
                "traits": {
                    "tags": ["Beta"],
                    "fieldInfo": {"Country": "DE", "Interest": "Books"},
                    "lists": [{"id": 2, "status": "subscribe"}],
                }
            },
        }
    )
    assert result.delivered, result
    contact = emulator.contact("a@example.com")
    assert contact is not None
    assert contact.tags == {"VIP", "Beta"}
    assert contact.field_values == {"1": "Books", "2": "FR"}
    assert contact.lists == {"2": "1"}
