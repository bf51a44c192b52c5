"""Workflow design pages: list, detail and diagram, editor, versions, export."""

urlpatterns: list = []
