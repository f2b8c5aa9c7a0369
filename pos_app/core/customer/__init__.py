"""The customer display: what the member facing the counter sees of the sale being rung up
(`screen.py`), in which words (`words.py`), and on which screen (`placement.py`)."""
