"""Format readers. See interface.py."""
