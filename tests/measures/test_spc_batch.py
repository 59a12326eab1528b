"""analyze_many gives exactly what analyze gives, series by series.

The NumPy path must agree bit for bit (not just approximately), because a
value exactly on the centre line or on a limit changes the verdict. The data
below are built to contain such ties: small integer counts, repeated values,
missing values, zero denominators and proportions at 0% and 100%.
"""

from __future__ import annotations

import random

import pytest

from measures.spc import analyze, analyze_many

LENGTH = 24


def _series(chart: str, seed: int, count: int = 60):
    rng = random.Random(seed)
    ys, ns = [], []
    for _ in range(count):
        y, n = [], []
        for _ in range(LENGTH):
            if chart in ("p", "pp", "u", "up") or (chart == "run" and seed % 2):
                den = rng.choice([0, 3, 4, 5, 10, 20, 120, None])
                num = None
                if den is not None:
                    top = den if chart in ("p", "pp", "run") else 3 * den
                    num = rng.randint(0, top) if den else 0
                if rng.random() < 0.05:
                    num = None
                y.append(num)
                n.append(den)
            elif chart == "t":
                y.append(rng.choice([rng.randint(1, 60), rng.uniform(0.5, 90.0), None]))
            elif chart in ("c", "g"):
                y.append(rng.choice([rng.randint(0, 12), rng.randint(0, 4), None]))
            else:
                y.append(rng.choice([rng.randint(40, 60), round(rng.gauss(50, 8), 1), None]))
        ys.append(y)
        ns.append(n if n else None)
    if all(n is None for n in ns):
        ns = None
    return ys, ns


OPTIONS = [
    {},
    {"screen_moving_ranges": False},
    {"phase_breaks": [8, 16]},
    {"freeze": 12},
    {"exclude": [3, 4, 20]},
    {"freeze": 10, "exclude": [2, 15], "multiply": 100},
    {"x": [f"2024-{m:02d}" for m in range(1, LENGTH + 1)], "multiply": 1000},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "defaults")
@pytest.mark.parametrize("chart", ["run", "i", "p", "pp", "u", "up", "c", "g", "t"])
@pytest.mark.parametrize("seed", [1, 2])
def test_analyze_many_equals_analyze_for_each_series(chart, seed, options):
    ys, ns = _series(chart, seed)

    many = [r.as_dict() for r in analyze_many(chart, ys, ns, **options)]
    one = [
        analyze(chart, y, ns[k] if ns is not None else None, **options).as_dict()
        for k, y in enumerate(ys)
    ]

    assert many == one


@pytest.mark.parametrize("chart", ["xbar", "s", "mr"])
def test_analyze_many_handles_charts_without_a_vector_path(chart):
    ys = [[1, 3, 2, 5, 4, 6], [2, 2, 3, 9, 1, 4]]
    x = [1, 1, 2, 2, 3, 3] if chart != "mr" else None

    many = [r.as_dict() for r in analyze_many(chart, ys, x=x)]

    assert many == [analyze(chart, y, x=x).as_dict() for y in ys]


def test_analyze_many_takes_series_of_different_lengths():
    ys = [[1, 2, 3, 4], [5, 1, 4], [9, 9, 2, 1]]

    many = [r.as_dict() for r in analyze_many("i", ys)]

    assert many == [analyze("i", y).as_dict() for y in ys]


def test_analyze_many_names_the_series_and_the_position_of_bad_input():
    with pytest.raises(ValueError, match=r"series 2: .*position 3"):
        analyze_many("p", [[1, 2, 3], [1, 2, 3]], [[5, 5, 5], [5, 5, 0]])


def test_analyze_many_rejects_an_unknown_chart():
    with pytest.raises(ValueError, match="unknown chart"):
        analyze_many("bar", [[1, 2]])


def test_analyze_many_of_no_series_is_empty():
    assert analyze_many("run", []) == []


@pytest.mark.parametrize("chart", ["run", "i", "p", "pp", "u", "up", "c", "g", "t"])
def test_analyze_many_uses_the_vector_path_for_plain_numbers(chart, monkeypatch):
    import measures.spc as spc_module

    ys, ns = _series(chart, 1, count=5)

    def no_scalar(*args, **kwargs):
        raise AssertionError("fell back to analyze()")

    monkeypatch.setattr(spc_module, "analyze", no_scalar)
    assert len(analyze_many(chart, ys, ns, phase_breaks=[12])) == 5


def test_analyze_many_combines_rows_with_the_same_label_as_analyze_does():
    ys, ns = [[1, 9, 5, 2], [3, 3, 0, 1]], [[10, 30, 20, 5], [4, 4, 5, 5]]
    x = [1, 1, 2, 3]

    many = [r.as_dict() for r in analyze_many("p", ys, ns, x=x)]

    assert many == [analyze("p", y, n, x=x).as_dict() for y, n in zip(ys, ns, strict=True)]
    assert len(many[0]["points"]) == 3
