"""The epoch loop around a runner (skkeras._engine.loop): the loss rule."""

import numpy as np
import pytest


@pytest.mark.parametrize("tol", [0.0, 1e-4, 0.05, 3.0])
def test_the_compiled_loss_rule_counts_every_epoch_the_callback_counts(tol):
    # The loop ends a call where the callback might stop training: every
    # epoch it takes as an improvement must be one for the callback (float64)
    # too, whatever float32 rounding does; away from the edge (a loss near
    # best - tol) the two agree.
    from skkeras._engine.loop import rule_update

    rng = np.random.RandomState(int(tol * 100))
    losses = [np.float32(1.0)]
    for _ in range(400):
        step = rng.choice(
            [
                tol,
                tol * (1 + 1e-7),
                tol * (1 - 1e-7),
                0.0,
                -tol,
                2 * tol,
                1e-3,
                -1e-3,
                1e-2,
            ]
        )
        nudge = np.float32(rng.choice([1.0, 1.0000001, 0.9999999]))
        losses.append(np.float32(max(losses[-1] - step, 1e-3)) * nudge)
    best, count = np.float32(np.inf), np.int32(0)
    exact_best, exact_count = np.inf, 0
    agree = 0
    for loss in losses:
        exact = float(loss) <= exact_best - tol
        edge = np.isfinite(exact_best) and (
            abs(float(loss) - (exact_best - tol)) <= 1e-5 * (abs(exact_best) + tol)
        )
        best, new_count = rule_update(
            loss,
            np.float32(tol),
            best,
            count,
            where=np.where,
            isfinite=np.isfinite,
            absolute=np.abs,
        )
        improved = int(new_count) == 0
        assert exact or not improved
        if not edge:
            assert improved == exact
            agree += 1
        exact_count = 0 if exact else exact_count + 1
        assert int(new_count) >= exact_count
        count = new_count
        exact_best = min(exact_best, float(loss))
    assert agree > len(losses) // 4  # the rules were compared off the edge, too
