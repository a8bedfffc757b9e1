"""Reading archives within limits: size, entries, JSON nesting."""

import io
import json
import zipfile

import pytest

from skkeras._saving_archive import (
    BoundedArchive,
    Limits,
    TooLarge,
    _Damaged,
    default_max_bytes,
    json_depth_ok,
)


def _zip(entries, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return zipfile.ZipFile(buffer)


def test_default_budget_is_twenty_times_the_file_within_bounds():
    assert default_max_bytes(100) == 1 << 20
    assert default_max_bytes(1 << 20) == 20 << 20
    assert default_max_bytes(1 << 40) == 4 << 30


def test_entries_within_the_budget_are_read():
    archive = BoundedArchive(_zip({"a.json": b'{"x": [1, 2]}'}), Limits(1000))
    assert archive.read_json("a.json") == {"x": [1, 2]}


def test_declared_sizes_over_the_budget_are_refused_before_reading():
    with pytest.raises(TooLarge, match="declares 2,000 bytes"):
        BoundedArchive(_zip({"a": b"0" * 1000, "b": b"0" * 1000}), Limits(1500))


def test_the_budget_is_shared_by_all_reads():
    archive = BoundedArchive(_zip({"a": b"0" * 600}), Limits(1000))
    archive.read("a")
    with pytest.raises(TooLarge):
        archive.read("a")


def test_too_many_entries_are_refused():
    entries = {f"e{i}": b"" for i in range(5)}
    with pytest.raises(TooLarge, match="5 entries"):
        BoundedArchive(_zip(entries), Limits(1000, max_entries=4))
    BoundedArchive(_zip(entries), Limits(1000, max_entries=5))


def test_json_nesting_is_bounded():
    deep = "[" * 50 + "]" * 50
    archive = BoundedArchive(_zip({"d.json": deep}), Limits(1000, max_depth=49))
    with pytest.raises(_Damaged, match="nests"):
        archive.read_json("d.json")
    archive = BoundedArchive(_zip({"d.json": deep}), Limits(1000, max_depth=50))
    assert archive.read_json("d.json") is not None
    very_deep = "[" * 100_000 + "]" * 100_000
    archive = BoundedArchive(_zip({"d.json": very_deep}), Limits(1 << 20))
    with pytest.raises(_Damaged, match="nests"):
        archive.read_json("d.json")
    assert json_depth_ok({"a": [1, {"b": 2}]}, 3) and not json_depth_ok([[[]]], 2)


def test_inner_keras_archives_count_towards_the_budget():
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", json.dumps({"class_name": "Sequential"}))
        archive.writestr("model.weights.h5", b"0" * 5000)
    outer = _zip({"model.keras": inner.getvalue()}, zipfile.ZIP_STORED)
    data, config = BoundedArchive(outer, Limits(20_000)).read_keras("model.keras")
    assert config == {"class_name": "Sequential"} and data == inner.getvalue()
    with pytest.raises(TooLarge, match="model.keras declares"):
        BoundedArchive(outer, Limits(4000)).read_keras("model.keras")
    not_zip = _zip({"model.keras": b"plain"})
    with pytest.raises(_Damaged, match="not a .keras archive"):
        BoundedArchive(not_zip, Limits(1000)).read_keras("model.keras")
