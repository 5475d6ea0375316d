"""Shared by every stage: where files live, the check registry, incidents, the JSON Schema and what derives from it, text primitives."""
