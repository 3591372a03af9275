"""What every media response carries, set in one place for both media routers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.errors import DomainError

# Browsers must take a photo for the type we serve it as, never sniff HTML or script in it.
NOSNIFF = {"X-Content-Type-Options": "nosniff"}


class MediaRoute(APIRoute):
    """Adds ``NOSNIFF`` to every response of the route, its problem responses included."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_nosniff(request: Request) -> Response:
            try:
                response = await handler(request)
            except DomainError as error:
                error.headers.update(NOSNIFF)
                raise
            except HTTPException as error:
                error.headers = {**(error.headers or {}), **NOSNIFF}
                raise
            response.headers.update(NOSNIFF)
            return response

        return with_nosniff
