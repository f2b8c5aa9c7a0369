"""Developer commands that are not part of the shipped app (the per-merchant installer build)."""
