"""Tests of taq_news.sources."""
