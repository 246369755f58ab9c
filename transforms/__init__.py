"""warledger: war reporting into a queryable ledger."""
