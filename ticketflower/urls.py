from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "TicketFlower administration"
admin.site.site_title = "TicketFlower admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("users.urls")),
    path("design/", include("workflow_design.urls")),
    path("", include("workflow_ops.urls")),
]
