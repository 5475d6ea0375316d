"""Tests of taq_news.preannotate."""
