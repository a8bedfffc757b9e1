"""skkeras.save / load of a scikit-learn Pipeline ending in an skkeras estimator.

Well-formed files round-trip; crafted files whose skops part names an
untrusted type (a builtins or os function, a class with side effects in
``__setstate__``) are refused at load with an error naming the type, and
nothing they name ever runs: not at load, fit or predict.
"""

import io
import json
import os
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from skkeras import (
    MLPClassifier,
    MLPRegressor,
    get_untrusted_types,
    load,
    save,
)

RNG = np.random.RandomState(0)
FRAME = pd.DataFrame(
    {
        "colour": RNG.choice(["red", "green", "blue"], size=40),
        "size": RNG.normal(size=40),
        "weight": RNG.normal(size=40),
    }
)
LABELS = np.where(FRAME["size"] > 0, "big", "small")
XNUM = RNG.normal(size=(30, 3))
YNUM = np.arange(30) % 2

MARKER = "PWNED"


def _mlp():
    return MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0)


def _column_pipeline():
    columns = make_column_transformer(
        (
            OneHotEncoder(handle_unknown="ignore"),
            make_column_selector(dtype_exclude="number"),
        ),
        (StandardScaler(), make_column_selector(dtype_include="number")),
    )
    return make_pipeline(columns, _mlp()).fit(FRAME, LABELS)


def double(X):
    """A transformer function of the user's own (not trusted by default)."""
    return 2 * X


class Evil(BaseEstimator, TransformerMixin):
    """A transformer whose restoring or use leaves a marker file."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        open(MARKER, "w").close()
        return X

    def __setstate__(self, state):
        open(MARKER, "w").close()
        super().__setstate__(state)


def _name(obj):
    return f"{obj.__module__}.{obj.__name__}"


def _entries(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return path


def _edit_schema(path, target, change):
    """Copy ``path`` to ``target`` with ``change`` applied to the JSON schema
    of its pipeline.skops entry."""
    entries = _entries(path)
    inner = _entries(io.BytesIO(entries["pipeline.skops"]))
    schema = json.loads(inner["schema.json"])
    change(schema)
    inner["schema.json"] = json.dumps(schema).encode()
    buffer = io.BytesIO()
    _write(buffer, inner)
    entries["pipeline.skops"] = buffer.getvalue()
    return _write(target, entries)


def _nodes(node):
    """Every skops node (a dict with a __loader__) of a schema."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "__loader__" in value:
                yield value
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _rename(module, name, *, was):
    def change(schema):
        found = [n for n in _nodes(schema) if n["__class__"] == was]
        assert found, f"no {was} node"
        for node in found:
            node["__module__"], node["__class__"] = module, name

    return change


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _use(path, **load_kwargs):
    """load, then fit and predict; errors are fine, traces are not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pipe = load(path, **load_kwargs)
        except ValueError:
            return None
        for call in (
            lambda: pipe.fit(XNUM, YNUM),
            lambda: pipe.predict(XNUM),
            lambda: pipe.predict_proba(XNUM),
        ):
            try:
                call()
            except Exception:  # an error is an acceptable outcome
                pass
        return pipe


# ----------------------------------------------------------------------
# Well-formed files round-trip
# ----------------------------------------------------------------------
def test_column_transformer_pipeline_round_trips(folder):
    pipe = _column_pipeline()
    save(pipe, "p.skkeras")
    loaded = load("p.skkeras")
    assert type(loaded) is Pipeline
    assert [name for name, _ in loaded.steps] == [name for name, _ in pipe.steps]
    assert type(loaded[-1]) is MLPClassifier
    np.testing.assert_array_equal(loaded.predict(FRAME), pipe.predict(FRAME))
    np.testing.assert_array_equal(
        loaded.predict_proba(FRAME), pipe.predict_proba(FRAME)
    )
    assert list(loaded.feature_names_in_) == list(FRAME.columns)
    assert get_untrusted_types("p.skkeras") == []
    # The loaded pipeline trains again.
    assert loaded.fit(FRAME, LABELS).score(FRAME, LABELS) >= 0


def test_unfitted_pipeline_and_regressor_round_trip(folder):
    pipe = make_pipeline(StandardScaler(), MLPRegressor(alpha=0.3, max_iter=2))
    save(pipe, "u.skkeras")
    loaded = load("u.skkeras")
    assert loaded[-1].alpha == 0.3
    assert loaded.fit(XNUM, XNUM[:, 0]).predict(XNUM).shape == (30,)


def test_file_holds_no_pickle(folder):
    save(_column_pipeline(), "p.skkeras")
    entries = _entries("p.skkeras")
    assert set(entries) == {
        "manifest.json",
        "params.json",
        "attributes.json",
        "model.keras",
        "pipeline.skops",
    }
    manifest = json.loads(entries["manifest.json"])
    assert manifest["version"] == 2
    assert manifest["pipeline"]["final_step"] == "mlpclassifier"
    inner = _entries(io.BytesIO(entries["pipeline.skops"]))
    schema = json.loads(inner["schema.json"])
    loaders = {node["__loader__"] for node in _nodes(schema)}
    assert loaders and not any("reduce" in n.lower() for n in loaders), loaders
    for name, content in inner.items():
        if name.endswith(".npy"):  # numpy arrays, read without pickle
            np.load(io.BytesIO(content), allow_pickle=False)
        else:
            assert name == "schema.json"
    for content in [*entries.values(), *inner.values()]:
        assert not content.startswith(b"\x80"), "a pickle stream"


def test_estimator_files_keep_format_version_1(folder):
    save(_mlp(), "e.skkeras")
    assert json.loads(_entries("e.skkeras")["manifest.json"])["version"] == 1


def test_user_types_need_trust_and_load_when_trusted(folder):
    pipe = make_pipeline(FunctionTransformer(double), _mlp()).fit(XNUM, YNUM)
    save(pipe, "f.skkeras")
    name = _name(double)
    assert get_untrusted_types("f.skkeras") == [name]
    with pytest.raises(ValueError, match=rf"does not trust: '{name}'.*trusted=\["):
        load("f.skkeras")
    colon = f"{double.__module__}:{double.__name__}"
    for trusted in ([name], [colon], [double]):
        loaded = load("f.skkeras", trusted=trusted)
        np.testing.assert_array_equal(loaded.predict(XNUM), pipe.predict(XNUM))


def test_save_refuses_what_it_cannot_store(folder):
    class MyPipeline(Pipeline):
        pass

    with pytest.raises(TypeError, match="not a subclass"):
        save(MyPipeline([("mlp", _mlp())]), "x.skkeras")
    with pytest.raises(TypeError, match="final step of a Pipeline: .*StandardScaler"):
        save(make_pipeline(StandardScaler()), "x.skkeras")
    with pytest.raises(TypeError, match="only skkeras estimator is its final step"):
        save(make_pipeline(MLPRegressor(), _mlp()), "x.skkeras")
    with pytest.raises(TypeError, match="a lambda, which has no name"):
        save(make_pipeline(FunctionTransformer(lambda X: X), _mlp()), "x.skkeras")
    assert os.listdir(folder) == []


# ----------------------------------------------------------------------
# Crafted files are refused, and never act
# ----------------------------------------------------------------------
@pytest.fixture
def legit(folder):
    pipe = make_pipeline(FunctionTransformer(np.abs), _mlp()).fit(XNUM, YNUM)
    save(pipe, "legit.skkeras")
    return pipe


@pytest.mark.parametrize(
    "module, name", [("builtins", "exec"), ("posix", "system"), ("os", "remove")]
)
def test_skops_part_naming_a_dangerous_function_is_refused(legit, folder, module, name):
    _edit_schema("legit.skkeras", "bad.skkeras", _rename(module, name, was="absolute"))
    before = sorted(os.listdir(folder))
    assert get_untrusted_types("bad.skkeras") == [f"{module}.{name}"]
    for trusted in (None, [f"{module}.{name}"], [f"{module}:{name}"]):
        with pytest.raises(ValueError, match=rf"'{module}\.{name}' \(never"):
            load("bad.skkeras", trusted=trusted)
        assert _use("bad.skkeras", trusted=trusted) is None
    assert sorted(os.listdir(folder)) == before


def test_class_with_side_effects_is_refused_and_never_restored(folder):
    pipe = make_pipeline(Evil(), _mlp()).fit(XNUM, YNUM)
    save(pipe, "evil.skkeras")
    # Fitting ran the payload once, here: only later runs count.
    os.remove(MARKER)
    name = _name(Evil)
    assert get_untrusted_types("evil.skkeras") == [name]
    with pytest.raises(ValueError, match=rf"'{name}'.*trusted=\['{name}'\]"):
        load("evil.skkeras")
    assert _use("evil.skkeras") is None
    # Disguised as a trusted scikit-learn class, it is rebuilt as that class.
    _edit_schema(
        "evil.skkeras",
        "disguised.skkeras",
        _rename("sklearn.preprocessing._data", "StandardScaler", was="Evil"),
    )
    assert _use("disguised.skkeras") is not None
    assert not os.path.exists(MARKER)


def test_memory_folder_is_left_out(legit, folder):
    pipe = make_pipeline(StandardScaler(), _mlp(), memory="cache").fit(XNUM, YNUM)
    assert os.path.isdir("cache")
    os.rename("cache", "was_cache")
    save(pipe, "m.skkeras")
    with pytest.warns(UserWarning, match=r"'memory' of Pipeline \('cache'"):
        loaded = load("m.skkeras")
    assert loaded.memory is None
    _use("m.skkeras")
    assert not os.path.exists("cache")


def test_bomb_in_the_skops_part_is_refused(legit, folder):
    entries = _entries("legit.skkeras")
    inner = _entries(io.BytesIO(entries["pipeline.skops"]))
    inner["zeros.npy"] = bytes(200 << 20)
    buffer = io.BytesIO()
    _write(buffer, inner)
    entries["pipeline.skops"] = buffer.getvalue()
    _write("bomb.skkeras", entries)
    assert os.path.getsize("bomb.skkeras") < 2 << 20
    for function in (load, get_untrusted_types):
        with pytest.raises(ValueError, match="max_bytes"):
            function("bomb.skkeras")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda e, m: e.pop("pipeline.skops"), "it has no pipeline.skops"),
        (
            lambda e, m: e.update({"pipeline.skops": b"not a zip"}),
            "pipeline.skops is not a skops archive",
        ),
        (
            lambda e, m: m["pipeline"].update(final_step="other"),
            "pipeline.skops is not a Pipeline ending in the step 'other'",
        ),
        (lambda e, m: m.update(pipeline=[1]), "its manifest's 'pipeline' section"),
        (lambda e, m: m.update(version=1), "its manifest is inconsistent"),
    ],
)
def test_damaged_pipeline_files_are_clear_errors(legit, folder, change, message):
    entries = _entries("legit.skkeras")
    manifest = json.loads(entries["manifest.json"])
    change(entries, manifest)
    entries["manifest.json"] = json.dumps(manifest).encode()
    _write("bad.skkeras", entries)
    with pytest.raises(ValueError, match=f"damaged: {message}"):
        load("bad.skkeras")
