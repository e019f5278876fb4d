"""A hang detector for tests of hostile input (``from guards import finishes``).

Not a timing assertion: the limit is generous (minutes-long quadratic cases fail, any linear run passes
with a wide margin), and the work runs in a forked child so a regex stuck in C code can be killed.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Callable
from typing import Any

import pytest

HANG_SECONDS = 60.0


def _child(fn: Callable[[], Any], conn: Any) -> None:
    try:
        conn.send(("ok", fn()))
    except BaseException as exc:  # the parent reports it
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def finishes(fn: Callable[[], Any], seconds: float = HANG_SECONDS) -> Any:
    """``fn()``'s result, or a test failure when it raises or runs longer than ``seconds``."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, child))
    proc.start()
    child.close()
    if not parent.poll(seconds):
        proc.kill()
        proc.join()
        pytest.fail(f"still running after {seconds:.0f} s: a hang on hostile input", pytrace=False)
    status, value = parent.recv()
    proc.join()
    if status == "error":
        pytest.fail(value, pytrace=False)
    return value
