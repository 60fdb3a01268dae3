"""Who is calling the API: the user an API token belongs to (django-ninja auth)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security.http import HttpBearer

from accounts.models import ApiToken


class TokenRequest(HttpRequest):
    """The request an operation with `auth=token_auth` receives: django-ninja sets `auth` to what
    the auth returned, here the user the token belongs to (for type checking; never built)."""

    auth: User


class TokenProblem(AuthenticationError):
    def __init__(self, message: str):
        super().__init__(401, message)


def _user_for(request: HttpRequest) -> User | AnonymousUser:
    """The user whose token the request carries; AnonymousUser without one; 401 for a bad one."""
    header = request.headers.get("Authorization", "")
    if not header:
        return AnonymousUser()
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenProblem("The Authorization header must be 'Bearer <token>'.")
    user = ApiToken.authenticate(secret.strip())
    if user is None:
        raise TokenProblem("The API token is unknown, expired or revoked.")
    return user


class TokenAuth(HttpBearer):
    """A token sent must be valid. Writes need one; reads too when API_PRIVATE_READS is on."""

    def __init__(self, *, for_writes: bool):
        super().__init__()
        self.for_writes = for_writes

    def __call__(self, request: HttpRequest) -> User | AnonymousUser:
        user = _user_for(request)
        if not user.is_authenticated:
            if self.for_writes:
                raise TokenProblem("Writing needs an API token: send 'Authorization: Bearer <token>'.")
            if settings.API_PRIVATE_READS:
                raise TokenProblem("Reading needs an API token here: send 'Authorization: Bearer <token>'.")
            return user
        request.user = user
        return user

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        raise NotImplementedError


read_auth = TokenAuth(for_writes=False)
token_auth = TokenAuth(for_writes=True)
