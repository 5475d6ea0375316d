"""TAQ-News: build, validate and publish an annotated news corpus."""

SCHEMA_VERSION = "1.0.0"
__version__ = "0.1.0"
