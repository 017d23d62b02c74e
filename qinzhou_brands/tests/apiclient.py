"""The two helpers every API test file uses: a client authenticated by a user's token, and a route's URL."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api(user=None) -> APIClient:
    """A client sending `user`'s token (created on first use); anonymous without a user."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)
