"""Signing in: Django's login view, with attempts counted per client address in the shared cache."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.cache import caches
from django.shortcuts import render


class SignInView(LoginView):
    """More than LOGIN_ATTEMPTS_PER_ADDRESS sign-in attempts from one address within LOGIN_ATTEMPTS_MINUTES
    are refused (429), whatever user names they try: django-axes locks a known user name out after
    repeated wrong passwords, this stops guessing across many names from one address."""

    def post(self, request, *args, **kwargs):
        if attempts_from(request.META.get("REMOTE_ADDR", "")) > settings.LOGIN_ATTEMPTS_PER_ADDRESS:
            response = render(request, "login_limited.html", {"minutes": settings.LOGIN_ATTEMPTS_MINUTES}, status=429)
            response["Retry-After"] = str(settings.LOGIN_ATTEMPTS_MINUTES * 60)
            return response
        return super().post(request, *args, **kwargs)


def attempts_from(address: str) -> int:
    """Count one more attempt from the address; the count starts again after LOGIN_ATTEMPTS_MINUTES."""
    cache = caches["default"]
    key = f"gzplan-sign-in:{address}"
    cache.add(key, 0, settings.LOGIN_ATTEMPTS_MINUTES * 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_ATTEMPTS_MINUTES * 60)
        return 1
