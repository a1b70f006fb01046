"""The model's documentation, shipped so that reports can quote it (data, not code)."""
