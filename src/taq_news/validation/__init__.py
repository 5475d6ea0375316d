"""Stage 3, checking records at every level (L1 files, L2 schema, L3 spans, L4 references), one home per check; fast paths under fast/."""
