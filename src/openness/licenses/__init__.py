"""licenses."""
