"""``skkeras grid TASK --halving``: successive halving over the network's epochs.

The resource is the network's number of epochs (``max_iter``): each rung
keeps the best third (``--factor``) of the candidates and trains them for
``--factor`` times more epochs, continuing their runs
(:class:`skkeras.model_selection.HalvingGridSearchCV`).  The grid's own
epoch values, if any, give the largest number of epochs and leave the grid.
"""

import argparse
from dataclasses import dataclass

from .errors import CLIError


def factor_value(text):
    """An argparse type: a number above 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 1:
        raise argparse.ArgumentTypeError(f"expected a number above 1, got {value:g}")
    return int(value) if value.is_integer() else value


@dataclass(frozen=True)
class HalvingPlan:
    """What ``--halving`` searches: the grid without the epochs, and the rungs."""

    grid: dict
    resource: str  # the pipeline parameter of the number of epochs
    max_resources: int
    min_resources: object  # int, or "exhaust"
    factor: float

    def describe(self):
        """One line for the command's header."""
        low = (
            "as many as the rungs allow"
            if self.min_resources == "exhaust"
            else str(self.min_resources)
        )
        name = self.resource.split("__")[-1]
        return (
            f"halving: {name} from {low} up to {self.max_resources}, "
            f"keeping 1/{self.factor:g} of the candidates at each rung"
        )


def check_options(args):
    """Refuse --factor and --min-resources without --halving."""
    if not args.halving:
        given = [
            name
            for name, value in (
                ("--factor", args.factor),
                ("--min-resources", args.min_resources),
            )
            if value is not None
        ]
        if given:
            raise CLIError(f"{' and '.join(given)} need --halving", code=2)


def halving_plan(pipe, step, grid, args):
    """The :class:`HalvingPlan` of ``grid`` over the epochs of ``pipe``'s
    step ``step``."""
    resource = f"{step}__{pipe.named_steps[step]._epochs_param}"
    grid = dict(grid)
    epochs = grid.pop(resource, None)
    max_resources = int(max(epochs)) if epochs else int(pipe.get_params()[resource])
    min_resources = "exhaust" if args.min_resources is None else args.min_resources
    if min_resources != "exhaust" and min_resources > max_resources:
        name = resource.split("__")[-1]
        raise CLIError(
            f"--min-resources {min_resources} is above the largest {name}, "
            f"{max_resources}; give fewer epochs to the first rung",
            code=2,
        )
    factor = 3 if args.factor is None else args.factor
    return HalvingPlan(grid, resource, max_resources, min_resources, factor)


def halving_search(pipe, plan, *, cv, scoring, n_jobs, seed):
    """The :class:`~skkeras.model_selection.HalvingGridSearchCV` of ``plan``,
    scored on ``scoring`` (one metric: halving ranks by one)."""
    from ..model_selection import HalvingGridSearchCV

    return HalvingGridSearchCV(
        pipe,
        plan.grid,
        resource=plan.resource,
        max_resources=plan.max_resources,
        min_resources=plan.min_resources,
        factor=plan.factor,
        cv=cv,
        scoring=scoring,
        refit=True,
        n_jobs=n_jobs,
        random_state=seed,
    )


def rungs_text(search, plan):
    """One line per rung: its epochs, candidates and epochs trained."""
    name = plan.resource.split("__")[-1]
    lines = []
    for i, (resources, n) in enumerate(zip(search.n_resources_, search.n_candidates_)):
        line = f"rung {i + 1}: {name}={resources}, {n} candidate{'s' * (n != 1)}"
        if search.rungs_:
            rung = search.rungs_[i]
            line += (
                f", {rung.epochs_trained} epochs trained "
                f"({rung.continued + rung.copied} fits continued, {rung.fresh} fresh)"
            )
        lines.append(line)
    if search.continuation_reason_:
        lines.append(f"every rung retrained: {search.continuation_reason_}")
    return "\n".join(lines)
