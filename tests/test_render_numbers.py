"""benchmarks/render_numbers.py: the README and the docs agree with the results files.

These tests read the results files only (``benchmarks/RESULTS.json`` and
``benchmarks/TASKS.json``); they never run a benchmark.
"""

import copy
import dataclasses
import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _load_renderer():
    path = REPO / "benchmarks" / "render_numbers.py"
    spec = importlib.util.spec_from_file_location("render_numbers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rn = _load_renderer()


@pytest.fixture(scope="module")
def numbers():
    return rn.Numbers.load(REPO / "benchmarks")


@pytest.fixture(scope="module")
def readme():
    return (REPO / "README.md").read_text()


def _render(text, numbers, kind="md", expected=()):
    return rn.render_text(text, rn.Doc(kind), numbers, path="X", expected=expected)


def test_repository_agrees_with_the_results_files():
    problems = rn.render_files(REPO)
    assert problems == [], "\n".join(map(str, problems)) + (
        "\n(python benchmarks/render_numbers.py rewrites the regions)"
    )


def test_check_command_exits_zero_on_the_repository(capsys):
    assert rn.main(["--check", "--root", str(REPO)]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kind", ["md", "rst"])
def test_every_region_renders_and_a_rendered_text_passes(numbers, kind):
    start, end = (
        ("<!-- numbers:{} -->", "<!-- /numbers:{} -->")
        if kind == "md"
        else (".. numbers:{}", ".. /numbers:{}")
    )
    names = list(rn.regions())
    text = "\n\n".join(
        f"before {name}\n{start.format(name)}\n{end.format(name)}\nafter"
        for name in names
    )
    rendered, problems = _render(text, numbers, kind, expected=names)
    # the empty regions differ; the text around them is kept
    assert sorted(p.region for p in problems) == sorted(names)
    assert all("differ from the results files" in p.message for p in problems)
    for name in names:
        assert f"before {name}\n{start.format(name)}\n\n" in rendered
    again, problems = _render(rendered, numbers, kind, expected=names)
    assert problems == []
    assert again == rendered


def test_tampered_figure_fails_naming_region_and_line(numbers, readme):
    rendered, problems = _render(readme, numbers)
    assert problems == []
    cv = rn.seconds(numbers.run("pima")["cv_s"])
    start = rendered.index("<!-- numbers:quickstart -->")
    at = rendered.index(cv, start)
    tampered = rendered[:at] + "99.9 s" + rendered[at + len(cv) :]
    fixed, problems = _render(tampered, numbers)
    assert [p.region for p in problems] == ["quickstart"]
    message = str(problems[0])
    assert "X: region 'quickstart'" in message
    assert "-" in message and "99.9 s" in message and cv in message
    assert fixed == rendered  # rendering again restores it


def test_text_outside_regions_is_not_checked(numbers, readme):
    tampered = readme.replace("## Why", "## Why not", 1)
    assert tampered != readme
    rendered, problems = _render(tampered, numbers)
    assert problems == []
    assert rendered == tampered


def test_changed_results_change_every_region_that_quotes_them(numbers, readme):
    changed = copy.deepcopy(numbers.tasks)
    for run in changed["runs"]:
        if run["task"] == "pima" and run["requested_backend"] == "tensorflow":
            run["cv_s"] += 1.0
    other = dataclasses.replace(numbers, tasks=changed)
    _, problems = _render(readme, other)
    assert {p.region for p in problems} == {
        "quickstart",
        "tasks-table",
        "backends-table",
    }


@pytest.mark.parametrize("name", ["quickstart", "tasks-table", "search-times"])
def test_missing_marker_fails_naming_it(numbers, readme, name):
    for marker in (f"<!-- numbers:{name} -->\n", f"<!-- /numbers:{name} -->\n"):
        assert marker in readme
        broken = readme.replace(marker, "", 1)
        _, problems = _render(
            broken, numbers, expected=rn.expected_regions()["README.md"]
        )
        assert problems, marker
        assert all(p.region == name for p in problems)
        text = "\n".join(map(str, problems))
        assert name in text and (
            "missing" in text
            or "no end marker" in text
            or "without a start marker" in text
        )


def test_unknown_region_and_repeated_region_fail(numbers):
    _, problems = _render("<!-- numbers:nope -->\n<!-- /numbers:nope -->", numbers)
    assert [p.region for p in problems] == ["nope"]
    assert "unknown region" in problems[0].message
    twice = "<!-- numbers:long-runs -->\n<!-- /numbers:long-runs -->\n" * 2
    rendered, _ = _render(twice, numbers)
    _, problems = _render(rendered, numbers, expected=["long-runs"])
    assert [p.message.split(":")[0] for p in problems] == ["found 2 times"]


def test_expected_files_all_exist_and_name_known_regions():
    known = set(rn.regions())
    for rel, names in rn.expected_regions().items():
        assert (REPO / rel).exists(), rel
        assert set(names) <= known, rel


def test_missing_result_row_is_named(numbers):
    results = copy.deepcopy(numbers.results)
    results["results"] = [r for r in results["results"] if r["case"] != "longrun"]
    with pytest.raises(ValueError, match="no row for case 'longrun'.*run.py --cases"):
        rn.long_runs(dataclasses.replace(numbers, results=results), rn.Doc("md"))
    tasks = copy.deepcopy(numbers.tasks)
    tasks["runs"] = [r for r in tasks["runs"] if r["task"] != "bank"]
    with pytest.raises(ValueError, match="no run of 'bank'.*tasks.py"):
        rn.tasks_table(dataclasses.replace(numbers, tasks=tasks), rn.Doc("rst"))


def test_gpu_runs_compare_the_gpu_with_the_same_machines_cpu(numbers):
    text = rn.gpu_runs(numbers, rn.Doc("md"))
    row = numbers.gpu_row("bank-h200", "bank", "skkeras")
    cpu = numbers.gpu_row("bank-h200-host-cpu", "bank", "skkeras")
    assert rn.seconds(row["warm_s"]) in text and rn.seconds(cpu["warm_s"]) in text
    assert rn.times(cpu["warm_s"], row["warm_s"]) in text
    gpu = {k: v for k, v in numbers.gpu.items() if k != "bank-h200-host-cpu"}
    with pytest.raises(ValueError, match="bank-h200-host-cpu.json is missing.*run.py"):
        rn.gpu_runs(dataclasses.replace(numbers, gpu=gpu), rn.Doc("md"))


def test_each_time_says_what_it_includes(numbers):
    """The quick start's time splits the command into imports and cross-validation."""
    run = numbers.run("pima")
    text = " ".join(
        line.removeprefix("# ")
        for line in rn.quickstart(numbers, rn.Doc("md")).splitlines()
    )
    for value in (run["command_s"], run["start_s"] + run["imports_s"], run["cv_s"]):
        assert rn.seconds(value) in text
    assert "start Python and import" in text and "compilation included" in text
    # the parts add up to the whole command
    parts = run["start_s"] + run["imports_s"] + run["cv_s"] + run["other_s"]
    assert parts == pytest.approx(run["command_s"])
