from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from users.models import AuditEvent, Company, CompanyRole, User


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(CompanyRole)
class CompanyRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "description"]
    list_filter = ["company"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "company", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "company", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["company"]
    fieldsets = [
        (None, {"fields": ["email", "password", "company"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        ("Roles", {"fields": ["groups", "company_roles", "user_permissions"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "company", "password1", "password2"]})]
    filter_horizontal = ["groups", "company_roles", "user_permissions"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "company", "actor", "impersonating", "action", "detail"]
    list_filter = ["action", "impersonating", "company"]
    list_select_related = ["company", "actor"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
