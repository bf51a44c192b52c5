import pytest

from users.demo import DEMO_STAFF_EMAIL, demo_company_seed
from users.models import User


@pytest.mark.django_db
def test_reset_passwords_gives_existing_demo_users_new_working_passwords():
    demo_company_seed()
    _, again = demo_company_seed()
    assert all(seeded.password is None for seeded in again)

    _, reset = demo_company_seed(reset_passwords=True)

    assert all(seeded.password for seeded in reset)
    staff = next(seeded for seeded in reset if seeded.email == DEMO_STAFF_EMAIL)
    assert User.objects.get(email=DEMO_STAFF_EMAIL).check_password(staff.password)
    owner = reset[0]
    assert User.objects.get(email=owner.email).check_password(owner.password)
