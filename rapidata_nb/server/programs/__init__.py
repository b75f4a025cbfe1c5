"""Programs built on top of jobs: signals (scheduled jobs), ranking flows and MRI leaderboards.

They never dispatch work themselves: every firing, flow item and evaluation is an ordinary job created through
the definition/job layer, so the crowd, the ``/labeler`` feed, results and progress all work unchanged.
"""

from __future__ import annotations
