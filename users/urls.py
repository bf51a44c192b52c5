from django.contrib.auth import views as auth_views
from django.urls import path

from users import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="dashboard"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("login/", views.EmailLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("company/", views.CompanySettingsView.as_view(), name="company-settings"),
    path("team/", views.TeamListView.as_view(), name="team"),
    path("team/new/", views.TeamMemberCreateView.as_view(), name="team-add"),
    path("team/<int:pk>/edit/", views.TeamMemberUpdateView.as_view(), name="team-edit"),
    path("team/<int:pk>/deactivate/", views.team_member_deactivate, name="team-deactivate"),
    path("team/<int:pk>/reactivate/", views.team_member_reactivate, name="team-reactivate"),
    path("company-roles/", views.CompanyRoleListView.as_view(), name="company-roles"),
    path("company-roles/new/", views.CompanyRoleCreateView.as_view(), name="company-role-add"),
    path("company-roles/<int:pk>/edit/", views.CompanyRoleUpdateView.as_view(), name="company-role-edit"),
    path("company-roles/<int:pk>/delete/", views.company_role_delete, name="company-role-delete"),
    path("impersonate/", views.impersonate, name="impersonate"),
    path("impersonate/stop/", views.impersonate_stop, name="impersonate-stop"),
]
