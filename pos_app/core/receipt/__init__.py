"""A receipt: built once from the server's answer, laid out once, rendered as text or ESC/POS."""
