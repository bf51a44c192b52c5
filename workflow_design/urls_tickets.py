"""Ticket-type pages, bundle import and whole-company export."""

urlpatterns: list = []
