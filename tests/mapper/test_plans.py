"""Pure mapping: messages become plans without any I/O."""

from __future__ import annotations

import pytest

from rudder_mapper import EventError, IdentifyPlan, PagePlan, TrackPlan, plan_message
from rudder_mapper.actions import ListChange
from rudder_mapper.samples import SEED_EXAMPLES


def test_seed_identify_reads_email_name_and_phone() -> None:
    plan = plan_message(SEED_EXAMPLES["identify"])
    assert isinstance(plan, IdentifyPlan)
    assert (plan.email, plan.first_name, plan.last_name, plan.phone) == (
        "name@surname.com",
        "John",
        "Doe",
        "2364556",
    )
    assert plan.tags == () and plan.field_info == () and plan.lists == ()


def test_seed_identify_lists_maps_every_part() -> None:
    plan = plan_message(SEED_EXAMPLES["identify_lists"])
    assert isinstance(plan, IdentifyPlan)
    assert plan.tags == ("Returning User", "Coupon Used")
    assert {entry.key: entry.value for entry in plan.field_info} == {
        "Interest": "Electronics",
        "Country": "USA",
        "Hobbies": ["Cricket", "Tennis"],
    }
    assert plan.field_info[0].path == "traits.fieldInfo.Interest"
    assert plan.lists == (ListChange("2", True), ListChange("3", False))
    assert plan.needs == {"tags", "fields"}


def test_seed_track_uses_properties_name_as_eventdata() -> None:
    plan = plan_message(SEED_EXAMPLES["track"])
    assert plan == TrackPlan(
        event="Product Purchased", email="name@surname.com", eventdata="Rubik's Cube"
    )


def test_seed_screen_takes_its_name_as_event() -> None:
    plan = plan_message(SEED_EXAMPLES["screen"])
    assert isinstance(plan, TrackPlan)
    assert plan.event == "Screen Viewed"


def test_seed_page_skips_the_placeholder_url_and_uses_the_page_context() -> None:
    plan = plan_message(SEED_EXAMPLES["page"])
    assert isinstance(plan, PagePlan)
    assert plan.domain == "rudderlabs.com"
    assert any("properties.url" in w for w in plan.warnings)


def test_traits_fall_back_to_context_traits_and_name_variants() -> None:
    plan = plan_message(
        {
            "type": "identify",
            "context": {"traits": {"email": "a@b.co", "firstname": "Ann", "last_name": "Lee"}},
        }
    )
    assert isinstance(plan, IdentifyPlan)
    assert (plan.email, plan.first_name, plan.last_name) == ("a@b.co", "Ann", "Lee")


def test_single_word_name_has_no_last_name() -> None:
    plan = plan_message({"type": "identify", "traits": {"email": "a@b.co", "name": "Cher"}})
    assert isinstance(plan, IdentifyPlan)
    assert (plan.first_name, plan.last_name) == ("Cher", None)


def test_tags_accept_a_string_and_drop_case_insensitive_duplicates() -> None:
    one = plan_message({"type": "identify", "traits": {"email": "a@b.co", "tags": "VIP"}})
    many = plan_message(
        {"type": "identify", "traits": {"email": "a@b.co", "tags": ["VIP", "vip", " Beta ", ""]}}
    )
    assert isinstance(one, IdentifyPlan) and isinstance(many, IdentifyPlan)
    assert one.tags == ("VIP",)
    assert many.tags == ("VIP", "Beta")


@pytest.mark.parametrize(
    ("status", "subscribe"),
    [("subscribe", True), ("active", True), ("unsubscribe", False), ("unsubscribed", False)],
)
def test_list_statuses_including_segment_names(status: str, subscribe: bool) -> None:
    plan = plan_message(
        {"type": "identify", "traits": {"email": "a@b.co", "lists": {"id": "7", "status": status}}}
    )
    assert isinstance(plan, IdentifyPlan)
    assert plan.lists == (ListChange("7", subscribe),)


def test_unknown_list_status_is_a_warning_not_applied() -> None:
    plan = plan_message(
        {"type": "identify", "traits": {"email": "a@b.co", "lists": [{"id": 4, "status": "maybe"}]}}
    )
    assert isinstance(plan, IdentifyPlan)
    assert plan.lists == ()
    assert plan.warnings and "traits.lists[0].status" in plan.warnings[0]


def test_event_data_objects_are_json_encoded() -> None:
    plan = plan_message(
        {
            "type": "track",
            "event": "Order",
            "properties": {"eventData": {"total": 9.5, "items": [1, 2]}, "email": "a@b.co"},
        }
    )
    assert isinstance(plan, TrackPlan)
    assert plan.eventdata == '{"total":9.5,"items":[1,2]}'


def test_event_names_longer_than_32_characters_are_refused_with_the_reason() -> None:
    with pytest.raises(EventError) as info:
        plan_message({"type": "track", "event": "x" * 33, "properties": {"email": "a@b.co"}})
    assert info.value.field == "event"
    assert "32" in str(info.value)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.Example.com/a?b=c#d", "example.com"),
        ("http://shop.example.co.uk:8080/x", "shop.example.co.uk"),
        ("example.org/path", "example.org"),
    ],
)
def test_page_domain_is_the_host_without_www(url: str, domain: str) -> None:
    plan = plan_message({"type": "page", "properties": {"url": url}})
    assert plan == PagePlan(domain=domain)


def test_page_falls_back_to_referring_domain() -> None:
    plan = plan_message({"type": "page", "context": {"page": {"referring_domain": "ref.io"}}})
    assert isinstance(plan, PagePlan)
    assert plan.domain == "ref.io"


def test_describe_lists_one_line_per_call() -> None:
    plan = plan_message(SEED_EXAMPLES["identify_lists"])
    lines = plan.describe()
    assert lines[0].startswith("POST /api/3/contact/sync name@surname.com")
    assert len(lines) == 1 + 2 + 2
