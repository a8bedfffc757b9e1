"""What :func:`skkeras._engine.batch.train_many` did with each call."""

import time
from dataclasses import dataclass, field


@dataclass
class BatchReport:
    """The outcome of training many calls.

    ``groups``: one ``{"members": [indices], "runs": count, "vectorized":
    bool, "wall_s": seconds}`` per vectorized program or shared run trained
    one fit at a time; ``alone``: the index of each call trained on its own,
    mapped to the reason; ``failed``: index to the exception its training
    raised; ``seconds``: each call's training time (its share of its
    group's).
    """

    seconds: list
    groups: list = field(default_factory=list)
    alone: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)

    @classmethod
    def for_calls(cls, count):
        """An empty report for ``count`` calls."""
        return cls(seconds=[0.0] * count)

    def leave_alone(self, members, reason):
        """Record that ``members`` train one at a time, and why."""
        for m in members:
            self.alone[m.index] = reason

    def fail(self, members, exc):
        """Record that training ``members`` raised ``exc``."""
        for m in members:
            self.failed[m.index] = exc

    def record_group(self, members, results, runs, vectorized, start, histories):
        """Record the histories of ``members`` trained together since ``start``."""
        wall = time.perf_counter() - start
        for member, history in zip(members, results):
            histories[member.index] = history
            self.seconds[member.index] = wall / len(members)
        self.groups.append(
            {
                "members": [m.index for m in members],
                "runs": runs,
                "vectorized": vectorized,
                "wall_s": wall,
            }
        )

    def merge(self, other):
        """Add the groups, fits alone and failures of ``other`` (which
        shares this report's ``seconds``)."""
        self.groups += other.groups
        self.alone.update(other.alone)
        self.failed.update(other.failed)

    def as_dict(self):
        """The report as the dict :func:`~skkeras._engine.batch.train_many`
        returns."""
        return {
            "groups": self.groups,
            "alone": self.alone,
            "failed": self.failed,
            "seconds": self.seconds,
        }
