"""Everything the counter decides, in plain Python with no Qt import: money, the sale journal,
the API client, the session, devices' logic and receipts. `pos_app/ui/` only shows it."""
