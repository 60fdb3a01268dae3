"""API tokens: issued from the admin console or the command line, shown once, revocable."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, digest

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_token_that_works(client):
    User.objects.create_user("analyst")
    out = io.StringIO()
    call_command("create_api_token", "analyst", "--name", "yearly upload", stdout=out)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert secret.startswith("gzp_") and token.digest == digest(secret) and token.name == "yearly upload"
    assert ApiToken.authenticate(secret).username == "analyst"
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("create_api_token", "nobody")


def test_the_admin_shows_a_new_token_once_and_revokes_it(admin_client):
    user = User.objects.create_user("haizhu")
    response = admin_client.post(
        "/en/admin/accounts/apitoken/add/", {"user": user.pk, "name": "Haizhu upload", "expires_at": ""}, follow=True
    )
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"])
    secret = message.split("is: ")[1].split(".")[0]
    token = ApiToken.objects.get(user=user)
    assert digest(secret) == token.digest and secret not in str(ApiToken.objects.values())
    listing = admin_client.get("/en/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listing and secret not in listing

    admin_client.post("/en/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None and ApiToken.authenticate(secret) is None
