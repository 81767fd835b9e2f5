"""Collective impact: a contract's accepted returns combined by each indicator's
aggregation type (DESIGN §3 rules 8 to 10), stored as versioned snapshots."""
