"""The funding app's forms, one module per sub-domain: funds, venue sites, collective economy."""
