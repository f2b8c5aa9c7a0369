"""One sale at the counter: the amount typed, the attempt journaled, sent, settled; the refund check."""
