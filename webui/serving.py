"""How the web app serves many questions at once: threads per pass, answers at once, Gradio's queue.

Measured with benchmarks/load.py (README, "What happens when…", 40 clients at once): the time went
to (1) torch, FAISS and ONNX Runtime splitting every small pass over all cores, which on a busy
machine costs several times the CPU of one thread (ONNX Runtime's two spinning threads: 13 ms of
CPU per int8 question against 2.6 ms on one); (2) threads answering at once beyond what the GIL
lets run: answering is mostly Python, so 16 threads on one core gave fewer answers/s than 4 and
convoyed on the GIL; (3) Gradio's queue: an event, a stream and its bookkeeping per question,
about 7 ms of the server's CPU on top of the answer, which POST /api/ask (webui/ask_api.py) does
without; (4) Gradio rebuilding a pandas table of its last 10,000 events after every event.
"""
from __future__ import annotations

import os

import gradio as gr

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
    """Give the app's queue its settings for many clients: estimates sent once a second, not per answer."""
    return app.queue(status_update_rate=1.0)
