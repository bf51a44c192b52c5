"""Ticket-type pages and bundle import / company export."""

from django.urls import path

from workflow_design import views_bundles, views_tickets

urlpatterns = [
    path("tickets/", views_tickets.TicketListView.as_view(), name="ticket-list"),
    path("tickets/new/", views_tickets.TicketCreateView.as_view(), name="ticket-create"),
    path("tickets/<int:pk>/", views_tickets.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/edit/", views_tickets.TicketUpdateView.as_view(), name="ticket-edit"),
    path("tickets/<int:pk>/publish/", views_tickets.TicketPublishView.as_view(), name="ticket-publish"),
    path("tickets/<int:pk>/retire/", views_tickets.TicketRetireView.as_view(), name="ticket-retire"),
    path("import/", views_bundles.BundleImportView.as_view(), name="import"),
    path("export/", views_bundles.CompanyExportView.as_view(), name="export-company"),
]
