"""How the web app serves many questions at once: threads per pass, Gradio's queue, per-request costs.

Measured with benchmarks/load.py (40 gradio_client clients; README, "What happens when…"): the
time went to (1) torch and FAISS splitting every small pass over all cores, which on a busy
machine costs 4-5x the CPU of one thread; (2) one forward pass per question where concurrent
questions can share one (embeddings/coalescing.py); (3) Gradio's queue rebuilding a pandas
table of its last 10,000 events after every event, a cost that grows as the server runs; and
(4) two answers at a time, so the rest waited in Gradio's queue and were sent a fresh estimate
of their place after every answer.
"""
from __future__ import annotations

import os

import gradio as gr

from embeddings.encoder import limit_threads

# Answers in progress at once. Answering holds the GIL for most of its ~13 ms, so more threads
# add no CPU; they let questions asked together share a forward pass and keep them out of
# Gradio's queue, where every waiting client is sent a new estimate after each answer.
ANSWERS_AT_ONCE = 16
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
