"""The two version numbers: the dataset's and its schema's."""

SCHEMA_VERSION = "2.0.0"
__version__ = "0.1.0"  # the dataset version (semver): the build writes it into CITATION.cff, the card and the loading script
