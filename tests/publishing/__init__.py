"""Tests of taq_news.publishing."""
