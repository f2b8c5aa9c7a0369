"""A business day on the merchant's clock: when it starts, its figures, its transactions, its CSV."""
