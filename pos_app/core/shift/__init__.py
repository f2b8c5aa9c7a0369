"""The terminal's shift (contract §9): which shift is open at this counter, the drawer's cash
movements, and closing with the count (the Z report)."""
