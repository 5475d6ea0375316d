"""Tests of taq_news.core."""
