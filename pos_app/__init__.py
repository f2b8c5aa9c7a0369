"""The merchant POS: a cashier charges members' rotating QR codes through the MPS RPCs."""
