"""From a camera frame or a USB scanner's keystrokes to what the scanned string is."""
