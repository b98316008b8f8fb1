import pytest

from qnapp.formula import parse


def lookup_from(values):
    return lambda code, category: values.get((code, category))


VALUES = {("A", ""): 10.0, ("A", "nam"): 4.0, ("A", "nu"): 6.0, ("B", ""): 5.0, ("Z", ""): 0.0}


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("8 / 4 / 2", 1.0),  # left-associative
        ("10 - 4 - 3", 3.0),
        ("2 * (3 + (4 - 1)) / 3", 4.0),
        ("-2 * 3", -6.0),
        ("-(1 + 1)", -2.0),
        ("2.5 * 2", 5.0),
        ("#{A}", 10.0),
        ("#{A.nam} + #{A.nu}", 10.0),
        ("#{A.nu} * 100 / #{A}", 60.0),
        ("(#{A} - #{B}) / #{B}", 1.0),
        ("#{ A . nu }", 6.0),
        ("  #{A}  ", 10.0),
    ],
)
def test_evaluate(expr, expected):
    assert parse(expr).evaluate(lookup_from(VALUES)) == pytest.approx(expected)


def test_references():
    f = parse("(#{GBV_VICTIMS.nam} + #{GBV_VICTIMS.nu}) / #{LIVE_BIRTHS} * 100")
    assert f.references == {("GBV_VICTIMS", "nam"), ("GBV_VICTIMS", "nu"), ("LIVE_BIRTHS", "")}
    assert f.codes == {"GBV_VICTIMS", "LIVE_BIRTHS"}
    assert parse("4").references == frozenset()


def test_missing_value_gives_none():
    assert parse("#{A} + #{MISSING}").evaluate(lookup_from(VALUES)) is None
    assert parse("#{A.khac}").evaluate(lookup_from(VALUES)) is None


def test_division_by_zero_gives_none():
    assert parse("#{A} / #{Z}").evaluate(lookup_from(VALUES)) is None
    assert parse("1 / (2 - 2)").evaluate(lookup_from(VALUES)) is None


def test_lookup_gets_code_and_category():
    calls = []

    def lookup(code, category):
        calls.append((code, category))
        return 1.0

    parse("#{X.nam} + #{Y}").evaluate(lookup)
    assert sorted(calls) == [("X", "nam"), ("Y", "")]


@pytest.mark.parametrize(
    "expr",
    [
        "",
        "   ",
        "1 +",
        "(1 + 2",
        "1 + 2)",
        "1 2",
        "#{A} #{B}",
        "* 3",
        "__import__('os').system('echo hi')",
        "abs(-1)",
        "#{A}.real",
        "A + 1",
        "#{a}",
        "#{A.}",
        "#{A.nam.nu}",
        "#A",
        "1 ** 2",
        "1 // 2",
        "1 % 2",
        "[1]",
        "lambda: 1",
        "1; 2",
        "1,5",
        "1e3",
    ],
)
def test_rejects_bad_syntax(expr):
    with pytest.raises(ValueError):
        parse(expr)


def test_rejects_non_string():
    with pytest.raises(ValueError):
        parse(None)

