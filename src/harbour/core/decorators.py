from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def case_staff_required(view: View) -> View:
    """Signed in, with a role that works on case files.

    Analysts and platform admins get 403 on these pages: the page exists for
    everyone, so refusing it reveals nothing about any person.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = getattr(request, "membership", None)
        if membership is None or not membership.can_open_cases:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
