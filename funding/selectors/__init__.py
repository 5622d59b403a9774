"""The funding app's reads, one module per sub-domain: funds, venue sites, collective economy."""
