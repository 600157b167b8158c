"""directory package."""
