"""Tests of taq_news.corpus."""
