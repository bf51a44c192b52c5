import pytest
from django.conf import settings
from django.urls import reverse

from users.models import AuditEvent, Company, User
from users.roles import SystemRole
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "company_name": "Bloom Florists",
    "first_name": "Ada",
    "last_name": "Bloom",
    "email": "Ada@Bloom.example",
    "password": "tulips-in-April-42",
}


def test_signup_creates_company_and_admin_with_all_roles_and_logs_in(client):
    response = client.post(reverse("signup"), VALID)

    assert response.status_code == 302 and response.url == reverse("dashboard")
    user = User.objects.get(email="ada@bloom.example")
    assert user.company.name == "Bloom Florists"
    assert sorted(user.groups.values_list("name", flat=True)) == sorted(SystemRole.values)
    assert user.has_perm("users.manage_team") and user.has_perm("users.design_workflows")
    assert AuditEvent.objects.filter(company=user.company, action="company_signup", actor=user).exists()
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert b"Bloom Florists" in dashboard.content


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"company_name": "   "}, "company_name", "This field is required"),
        ({"password": "123"}, "password", "too short"),
        ({"password": "password"}, "password", "too common"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"first_name": ""}, "first_name", "This field is required"),
    ],
)
def test_signup_rejects_bad_input_next_to_the_field_and_creates_nothing(client, change, field, message):
    response = client.post(reverse("signup"), {**VALID, **change})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'data-field-error="{field}"'.encode() in response.content
    assert not Company.objects.exists() and not User.objects.exists()


def test_signup_refuses_an_email_already_in_use_whatever_its_case(client):
    UserFactory(email="ada@bloom.example")

    response = client.post(reverse("signup"), VALID)

    assert "already exists" in response.context["form"].errors["email"][0]
    assert Company.objects.count() == 1  # only the existing user's company


def test_password_similar_to_email_is_refused(client):
    response = client.post(reverse("signup"), {**VALID, "password": "ada@bloom.example"})
    assert "too similar" in response.context["form"].errors["password"][0]


def test_login_with_email_is_case_insensitive_and_logout_needs_post(client):
    user = UserFactory(email="dana@alpha.example")
    login_page = client.get(reverse("login"))
    assert login_page.status_code == 200

    response = client.post(reverse("login"), {"username": "DANA@alpha.example", "password": "a-Strong-test-passw0rd"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_with_a_wrong_password_says_so(client):
    UserFactory(email="dana@alpha.example")
    response = client.post(reverse("login"), {"username": "dana@alpha.example", "password": "wrong"})
    assert response.status_code == 200
    assert b"do not match an active account" in response.content


def test_repeated_failed_logins_are_throttled(client):
    UserFactory(email="dana@alpha.example")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "dana@alpha.example", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "dana@alpha.example", "password": "a-Strong-test-passw0rd"})

    assert response.status_code == 429
    assert b"Too many failed log-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email_with_a_working_link(client, mailoutbox):
    UserFactory(email="dana@alpha.example")
    response = client.post(reverse("password_reset"), {"email": "dana@alpha.example"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line).strip()
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert b"Choose a new password" in form_page.content


def test_password_reset_email_names_the_product_not_the_host(client, mailoutbox):
    UserFactory(email="dana@alpha.example", first_name="Dana")
    client.post(reverse("password_reset"), {"email": "dana@alpha.example"}, HTTP_HOST="127.0.0.1:8000")
    email = mailoutbox[0]
    assert email.subject == "Reset your TicketFlower password"
    assert email.body.startswith("Hello Dana,")
    assert "your TicketFlower account" in email.body
    # The host and port appear only in the link itself.
    assert [line for line in email.body.splitlines() if "127.0.0.1" in line] == [
        line for line in email.body.splitlines() if line.startswith("http://127.0.0.1:8000/password-reset/")
    ]


def test_anonymous_home_invites_to_sign_up_and_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert b"Sign up your company" in response.content
    assert client.get(reverse("team")).status_code == 302
