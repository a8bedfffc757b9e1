"""The floor of a vectorized ensemble's time on JAX: one step, in plain JAX.

    python benchmarks/ensembles_step.py                     # pima's network
    python benchmarks/ensembles_step.py --layers 13,13,6,1 --batch 5 --rows 455
    python benchmarks/ensembles_step.py --members 1,2,3,5,8 --steps 20000

:mod:`skkeras.ensemble` trains its members as one program: the engine's
epoch loop under ``jax.vmap``.  This script measures the step of that kind
of program without Keras or skkeras around it: a plain JAX MLP (relu hidden
layers, a sigmoid output, log loss with an L2 penalty, Adam), trained
``--steps`` batches of ``--batch`` rows drawn from ``--rows`` rows, jitted
with the engine's XLA options (:func:`skkeras._engine.jax.jit`), alone and
``jax.vmap``-ed over each number of ``--members`` (each member its own
weights and its own shuffle, the data shared).  It reports the time of a
step (best of ``--repeat`` calls, the programs called in turn, compiling
excluded) and its ratio to one network's step: the ensemble's training time
over one member's cannot go below that ratio, whatever the code around the
program does.
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "jax")


def _programs(sizes, batch, rows, steps):
    import jax
    import jax.numpy as jnp

    def init(key):
        params = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            key, sub = jax.random.split(key)
            limit = (6 / (fan_in + fan_out)) ** 0.5
            params += [
                jax.random.uniform(sub, (fan_in, fan_out), minval=-limit, maxval=limit),
                jnp.zeros(fan_out),
            ]
        return params

    def loss(params, x, y):
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = jax.nn.relu(h)
        z = h[:, 0]
        penalty = sum(jnp.sum(w * w) for w in params[::2])
        return jnp.mean(jnp.logaddexp(0.0, z) - y * z) + 1e-4 * penalty

    def train(params, x, y, seed):
        m = [jnp.zeros_like(p) for p in params]
        v = [jnp.zeros_like(p) for p in params]
        order = jax.random.permutation(jax.random.key(seed), rows)

        def body(i, carry):
            params, m, v = carry
            idx = jax.lax.dynamic_slice(
                order, ((i * batch) % (rows - batch),), (batch,)
            )
            g = jax.grad(loss)(params, jnp.take(x, idx, 0), jnp.take(y, idx, 0))
            m = [0.9 * a + 0.1 * b for a, b in zip(m, g)]
            v = [0.999 * a + 0.001 * b * b for a, b in zip(v, g)]
            params = [
                p - 1e-3 * a / (jnp.sqrt(b) + 1e-7) for p, a, b in zip(params, m, v)
            ]
            return params, m, v

        return jax.lax.fori_loop(0, steps, body, (params, m, v))[0]

    return init, train


def measure(sizes, batch, rows, steps, members, repeat):
    """``{n_members: seconds per step}``, 1 meaning one network un-vmapped."""
    import jax
    import jax.numpy as jnp

    from skkeras._engine.jax import jit

    init, train = _programs(sizes, batch, rows, steps)
    x = jax.random.normal(jax.random.key(1), (rows, sizes[0]))
    y = (x[:, 0] > 0).astype(jnp.float32)

    calls = {1: (jit(train), (init(jax.random.key(0)), x, y, 0))}
    vmapped = jit(jax.vmap(train, in_axes=(0, None, None, 0)))
    for m in members:
        if m != 1:
            params = [
                jnp.stack(p) for p in zip(*(init(jax.random.key(i)) for i in range(m)))
            ]
            calls[m] = (vmapped, (params, x, y, jnp.arange(m)))
    for fn, args in calls.values():
        jax.block_until_ready(fn(*args))  # compile
    # In turn, so that the machine's load weighs on each alike.
    times = {m: [] for m in calls}
    for _ in range(repeat):
        for m, (fn, args) in calls.items():
            start = time.perf_counter()
            jax.block_until_ready(fn(*args))
            times[m].append(time.perf_counter() - start)
    return {m: min(t) / steps for m, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--layers", default="8,12,8,1", help="layer widths, inputs first (pima)"
    )
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--rows", type=int, default=691)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--members", default="2,3,5")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import jax

    sizes = [int(s) for s in args.layers.split(",")]
    members = [int(m) for m in args.members.split(",")]
    times = measure(sizes, args.batch, args.rows, args.steps, members, args.repeat)
    print(
        f"JAX {jax.__version__} on {jax.default_backend()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; layers {sizes}, batch "
        f"{args.batch}, {args.steps} steps, best of {args.repeat}\n"
    )
    print("| members | us per step | over one network's step |")
    print("|---|---|---|")
    for m, t in times.items():
        label = "1 (alone, no vmap)" if m == 1 else str(m)
        print(f"| {label} | {t * 1e6:.2f} | {t / times[1]:.2f}x |")


if __name__ == "__main__":
    main()
