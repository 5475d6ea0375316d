"""Exports of the published records into the formats NER and attribution tools read.

Each module has a writer and a reader, and the tests round-trip every format.
"""
