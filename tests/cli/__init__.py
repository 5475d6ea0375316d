"""Tests of taq_news.cli."""
