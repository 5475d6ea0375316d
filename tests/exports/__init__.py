"""Tests of taq_news.exports."""
