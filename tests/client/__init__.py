"""Tests of activecampaign_client: cassette replays per resource, and unit tests."""
