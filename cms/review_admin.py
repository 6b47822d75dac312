"""Admin screens and hooks for content reviews (filled in by the reviews work)."""
