"""Tests of taq_news.browser."""
