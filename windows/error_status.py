"""Each error class's HTTP status, and the OpenAPI description of the codes, from the hierarchy alone.

Apart from windows/errors.py (which answers with them) so that the API's schemas, which document
the codes, and the error handlers, which read the schemas' action models, do not import each other.
"""

from __future__ import annotations

from typing import Any

from workflows import errors

STATUS = ((errors.LoginRequired, 401), (errors.TooManyAttempts, 429), (errors.Forbidden, 403),
          (errors.NotFound, 404),
          (errors.Conflict, 409), (errors.BadInput, 422), (errors.MethodNotAllowed, 405), (errors.MalformedBody, 400),
          (errors.DatabaseFull, 507), (errors.Unavailable, 503))


def status_of(exc: errors.DomainError) -> int:
    return status_of_class(type(exc))


def status_of_class(error: type[errors.DomainError]) -> int:
    return next((status for cls, status in STATUS if issubclass(error, cls)), 400)


def answerable_errors() -> list[type[errors.DomainError]]:
    """Every error a request can meet: the whole hierarchy but what only loading a file at start-up raises."""
    return [cls for cls in errors.every_error() if not issubclass(cls, errors.LoadError)]


def document_codes(schema: dict[str, Any]) -> None:
    """The OpenAPI schema of ErrorOut.code: every code of the hierarchy, with its status and meaning.

    Made from the classes when the document is built, so that a new class is in it without
    anyone copying its code here.
    """
    documented = sorted(answerable_errors(), key=lambda cls: cls.code)
    schema["enum"] = [cls.code for cls in documented]
    rows = "\n".join(f"| `{cls.code}` | {_status_text(cls)} | {cls.message} |" for cls in documented)
    schema["description"] = ("稳定的错误代码，程序据此判断；message 是给人看的中文说明。\n\n"
                             "| code | HTTP | 含义 |\n|---|---|---|\n" + rows)


def _status_text(error: type[errors.DomainError]) -> str:
    # The HTTP layer's other refusals keep the status they came with (413, 415, …).
    return "原状态" if issubclass(error, errors.RequestRefused) else str(status_of_class(error))
