"""Tests of taq_news.validation."""
