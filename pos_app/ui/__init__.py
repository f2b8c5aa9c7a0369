"""The POS window: Qt widgets that show what `pos_app.core` decides and feed it events."""
