"""Stage 2, the curated layer's inputs: YAML read with line numbers, and the entity registry."""
