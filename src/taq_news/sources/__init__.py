"""Stage 1, raw articles: reading and hashing them, the manifest, cleaning a page into body text."""
