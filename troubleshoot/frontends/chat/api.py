"""``POST /api/v1/ask`` and ``GET /healthz``.

In: ``{"text": ..., "lang"?: "en"|"zh", "thread"?: id, "answer"?: ...}``; ``answer``
replies to the thread's pending question (a number, a word). Out: the core's JSON contract,
exactly what ``troubleshoot ask --format json`` prints, plus ``thread`` (the id to send
back), ``question`` (the pending follow-up, or null) and ``answer_error`` (why an
answer could not be read, or null). Malformed requests get 400, never 500.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from troubleshoot.frontends.chat.reply import FollowUp, Reply
from troubleshoot.frontends.chat.service import Service
from troubleshoot.frontends.chat.worker import in_worker
from troubleshoot.lang import Lang

PLATFORM = "api"
MAX_THREAD_ID = 100


def bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def too_many(service: Service, user: str) -> JSONResponse:
    """429, saying when ``user`` may ask again."""
    wait = str(service.limit.retry_after(user))
    return JSONResponse({"error": "too many requests"}, 429, headers={"Retry-After": wait})


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


async def ask(request: Request) -> Response:
    service: Service = request.app.state.service
    user = f"{PLATFORM}:{_client(request)}"
    if not service.limit.allow(user):
        return too_many(service, user)
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return bad("the body is not JSON")
    if not isinstance(data, dict):
        return bad("the body must be a JSON object")
    text, answer, thread = data.get("text"), data.get("answer"), data.get("thread")
    said = answer if answer is not None else text
    if not isinstance(said, str) or (answer is not None and not isinstance(thread, str)):
        return bad('give "text" (a string), or "answer" (a string) with its "thread"')
    if thread is not None and (not isinstance(thread, str) or len(thread) > MAX_THREAD_ID):
        return bad(f'"thread" must be a string of at most {MAX_THREAD_ID} characters')
    try:
        lang = Lang(data["lang"]) if data.get("lang") is not None else None
    except (ValueError, TypeError):
        return bad('"lang" must be "en" or "zh"')
    if answer is not None and service.store.load(PLATFORM, "-", thread or "") is None:
        return bad("no such thread", 404)
    thread = thread or uuid.uuid4().hex
    built = await service.answer(PLATFORM, "-", thread, said, lang)
    if built.consultation is None:  # empty or too long: nothing was consulted
        return bad(built.note)
    payload = await in_worker(lambda: contract(built))
    payload["thread"] = thread
    payload["question"] = question_json(built.follow_up)
    payload["answer_error"] = built.invalid or None
    return JSONResponse(payload)


def contract(built: Reply) -> dict[str, Any]:
    """The core contract for the reply's consultation, as ``troubleshoot ask`` writes it."""
    from troubleshoot.frontends.i18n import t
    from troubleshoot.render.contract import to_json
    from troubleshoot.render.guide import render_guide

    assert built.consultation is not None and built.understanding is not None
    lang = built.lang
    if built.in_scope:
        guide = render_guide(built.consultation, lang)
    else:
        guide = t(lang, "ask_out_of_scope") + "\n"
    payload = to_json(built.consultation, guide, lang)
    payload["query"] = built.understanding.to_dict()
    return payload


def question_json(question: FollowUp | None) -> dict[str, Any] | None:
    if question is None:
        return None
    return {
        "name": question.name,
        "text": question.text,
        "hint": question.hint,
        "options": [{"value": n, "label": label} for n, label in question.options],
        "typed": question.typed,
    }
