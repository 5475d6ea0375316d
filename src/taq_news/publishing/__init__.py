"""Stage 6, the release: Parquet tables, the dataset card, Croissant, citation files, and the one atomic writer."""
