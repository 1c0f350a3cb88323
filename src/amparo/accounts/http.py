"""The request type of signed-in views and endpoints."""

from django.http import HttpRequest

from amparo.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed `login_required` or the API's session auth: `user` is a `User`.

    Only for annotating views behind those gates; Django never builds this class.
    """

    user: User
