"""How the web app serves many questions at once: threads per pass, answers at once, Gradio's queue.

Measured with benchmarks/load.py (README, "What happens when…", 40 clients at once): the time went
to (1) torch, FAISS and ONNX Runtime splitting every small pass over all cores, which on a busy
machine costs several times the CPU of one thread (ONNX Runtime's two spinning threads: 13 ms of
CPU per int8 question against 2.6 ms on one); (2) threads answering at once beyond what the GIL
lets run: answering is mostly Python, so 16 threads on one core gave fewer answers/s than 4 and
convoyed on the GIL; (3) Gradio's queue: an event, a stream and its bookkeeping per question,
about 7 ms of the server's CPU on top of the answer, which POST /api/ask (webui/ask_api.py) does
without; (4) Gradio rebuilding a pandas table of its last 10,000 events after every event; (5) Gradio
copying the config of every block of the page for every new session, which every call of /ask
without a session_hash is (ConfigsOnDemand).
"""
from __future__ import annotations

import os
from typing import Any, Callable, Sequence

import gradio as gr
from gradio.state_holder import SessionState

from embeddings.encoder import limit_threads

# Answers in progress at once, per path (Gradio's events; POST /api/ask has its own pool of as many).
# Answering holds the GIL for most of its ~10 ms, so more threads add no CPU, only GIL hand-overs:
# with 40 clients on one core, 4 threads gave 86 JSON answers/s and 43 through Gradio, 16 threads
# 67-80 and 35 (benchmarks/load.py; one run each, load average 8). The ONNX int8 encoder does not
# share passes (embeddings/coalescing.py serves the PyTorch fallback): its dynamic quantisation
# scales a pass's activations together, so a question's vector would depend on who else asked at
# that moment, for at most 2-3 ms of CPU per answer (benchmarks/question_encoding.py).
ANSWERS_AT_ONCE = 4
# Gradio recomputes its analytics summary (a pandas table of up to 10,000 events) after every
# this many events; its default of 1 costs more than an answer once the server has run a while.
ANALYTICS_EVERY = 10_000


def prepare_process() -> None:
    """Set what must be set before the app is built: one thread per pass, rare analytics summaries."""
    limit_threads(1)
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(ANALYTICS_EVERY))


def configure_queue(app: gr.Blocks) -> gr.Blocks:
    """Give the app its settings for many clients: estimates sent once a second, sessions made lightly."""
    make_session_configs_on_demand()
    return app.queue(status_update_rate=1.0)


class ConfigsOnDemand(dict):
    """A session's copy of every block's config (Gradio's SessionState.config_values), each made when first read.

    Gradio makes them all for every new session, and every `POST /gradio_api/call/ask` without a
    session_hash is a new session: 2.3 ms of CPU for this app's 37 blocks, about a fifth of the
    server's Python time per answer through Gradio's /ask (README, "40 clients at once"). Only an
    event's inputs and the deep-link route read them. An entry Gradio sets (a block an event changed)
    is kept; the others are made from blocks no event has replaced, so they equal what Gradio would
    have made, in the same order.
    """

    def __init__(self, keys: Sequence[int], make: Callable[[int], dict]) -> None:
        super().__init__()
        self._keys = tuple(keys)
        self._pending = set(self._keys)
        self._make = make

    def __setitem__(self, key, value) -> None:
        self._pending.discard(key)
        super().__setitem__(key, value)

    def __getitem__(self, key):
        if key in self._pending:
            self[key] = self._make(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        return key in self._pending or super().__contains__(key)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def _fill(self) -> None:
        """Make every entry not made yet, keeping Gradio's order: the page's blocks first, then any added."""
        if self._pending:
            ordered = {key: self[key] for key in self._keys}
            added = {key: value for key, value in super().items() if key not in ordered}
            super().clear()
            super().update(ordered)
            super().update(added)

    def __iter__(self):
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def keys(self):
        self._fill()
        return super().keys()

    def values(self):
        self._fill()
        return super().values()

    def items(self):
        self._fill()
        return super().items()

    def __eq__(self, other) -> bool:
        self._fill()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._fill()
        return super().__repr__()


class _WithoutBlocks:
    """What SessionState.__init__ reads from a Blocks, with no blocks to copy configs of."""

    def __init__(self, app: gr.Blocks) -> None:
        self._app = app

    @property
    def blocks(self) -> dict:
        return {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)


def make_session_configs_on_demand() -> None:
    """Have Gradio's new sessions make their copy of the page's config when first read, not at once.

    This replaces SessionState.__init__ for the whole process; Gradio's own runs first, with no blocks
    to copy. tests/test_serving.py checks the result against Gradio's, so a Gradio that changes
    SessionState fails there rather than in use.
    """
    if getattr(SessionState.__init__, "configs_on_demand", False):
        return
    eager_init = SessionState.__init__

    def init(self: SessionState, blocks: gr.Blocks) -> None:
        eager_init(self, _WithoutBlocks(blocks))
        configs = self.blocks_config  # not self: no reference cycle through the session
        self.config_values = ConfigsOnDemand(
            [key for key in configs.blocks if key in blocks.blocks],
            lambda key: configs.config_for_block(key, [], configs.blocks[key]),
        )

    init.configs_on_demand = True  # type: ignore[attr-defined]
    init.eager = eager_init  # type: ignore[attr-defined]
    SessionState.__init__ = init  # type: ignore[method-assign]
