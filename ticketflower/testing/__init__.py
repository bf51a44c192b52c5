"""Helpers for the tests of every app."""
