"""Stage 5, numbers about the corpus: inter-annotator agreement, statistics, scoring."""
