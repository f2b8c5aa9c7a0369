"""PostgREST's /rpc: find the function, call it in one transaction, shape its result."""
