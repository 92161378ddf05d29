"""RudderStack events into ActiveCampaign calls (see the mapper issue)."""
