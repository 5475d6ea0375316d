"""Tests of taq_news.annotations."""
