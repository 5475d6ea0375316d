"""Stage 7, checking what the pipeline made: any path given to validate, and the whole dataset folder against a fresh build (L5)."""
