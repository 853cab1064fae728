"""The task a bot message is about, read from its text. Pure.

A reply to a bot message about a task is tied to the task by the stored link (``db.sent_links``).
Links are written in batches shortly after the message is sent, so a reply that reaches another
instance of the service within that moment finds none yet; the replied-to message, which the
channel hands over with the reply, then names the task. Only the shapes of the messages that
carry a task are recognised (the task's detail and the answers to an update), on their first
line, so a list or any other message never names one.
"""

from __future__ import annotations

import re

from chat import texts

_CODE = r"(?P<code>(?:IV|III|II|I)\.\d{1,2}[a-z]?)"
_DETAIL = re.compile(rf"^{_CODE} · ")  # render.task_detail's first line


def _shape(template: str) -> re.Pattern[str]:
    """The start of ``template``'s first line, up to the text that follows its task's code:
    ``{code}`` is the code, any field before it any text."""
    first = template.split("\n", 1)[0]
    before, _, after = first.partition("{code}")
    parts = re.split(r"(\{\w+\})", before)
    prefix = "".join(".*?" if part.startswith("{") else re.escape(part) for part in parts)
    follows = re.split(r"\{\w+\}", after, maxsplit=1)[0]
    return re.compile(f"^{prefix}{_CODE}{re.escape(follows)}")


_ANSWERS = tuple(
    _shape(template)
    for template in (
        texts.UPDATED,
        texts.UPDATED_MILESTONE,
        texts.UNCHANGED,
        texts.NOTE_SAVED,
        texts.REFERENCE_SAVED,
        texts.COMPLETION_DAY_CORRECTED,
        texts.ASK_COMPLETION,
        texts.DONE_UNSURE,
    )
)


def task_code(text: str | None) -> str | None:
    """The code of the task a bot message is about, if its text has the shape of one."""
    if not text:
        return None
    first = text.split("\n", 1)[0]
    found = _DETAIL.match(first)
    if found is None:
        found = next((m for shape in _ANSWERS if (m := shape.match(first))), None)
    return found["code"] if found else None
