"""The JAX engine (skkeras._engine.jax): its XLA compiler options."""

import keras
import pytest

BACKEND = keras.backend.backend()


@pytest.mark.skipif(BACKEND != "jax", reason="XLA:CPU options of the JAX engine")
def test_cpu_compiler_options_fall_back_when_xla_does_not_know_them():
    import jax

    from skkeras._engine import jax as jax_engine
    from skkeras.config import config_context

    options = jax_engine._compiler_options()
    if jax.default_backend() == "cpu":
        assert options == jax_engine._CPU_OPTIONS
    assert jax_engine._compiler_options({"xla_no_such_option": True}) is None
    with config_context(xla_options=False):
        assert jax_engine._compiler_options() is None
        assert float(jax_engine.jit(lambda a: a * 2)(2.0)) == 4.0
