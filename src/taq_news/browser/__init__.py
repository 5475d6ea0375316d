"""The corpus browser: static HTML pages of the published records."""
