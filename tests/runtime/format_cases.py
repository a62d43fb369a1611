#!/usr/bin/env python3
"""Writes format_cases.tsv: values and format specs with what Python's own
format() makes of them, the expectations of runtime_format_test.

Run by hand when the cases change (python3 is not needed to build or test):
    python3 tests/runtime/format_cases.py > tests/runtime/format_cases.tsv
Each line: kind (i, f or s), the value, the spec, and Python's result, or
`!error` when Python refuses the spec for the value (ValueError here).
"""
import math

INTS = [0, 7, -7, 42, 1234, -1234567, 255, 9223372036854775807, -9223372036854775808]
FLOATS = [0.0, -0.0, 3.14159, -2.5, 0.5, 1.5, 2.5, 2.675, 0.125, 100.0, 99.99, 9.999, 1234567.891,
          1e-5, 0.0001234, 1e16, 123456.0, 1e300, 0.42, 123456789.0,
          float("inf"), -float("inf"), float("nan")]
STRS = ["", "abc", "héllo", "日本"]

INT_SPECS = ["", "d", "5", "<5", ">5", "^6", "*^7", "08", "+d", " d", "x", "X", "#x", "#X", "#o", "#b",
             "08b", "_b", "_x", "_o", ",", "_", "010,", "09,", "08,", "+012,", "-^9", ",d", "=+8", "0=8",
             "<05", "x<05", ".2f", ".1%", "e", "g", "10.3f", ",.2f",
             # refused by Python
             ".2", ",x", "s", ".3d"]
FLOAT_SPECS = ["", ".2f", ".0f", "f", "e", ".3e", "E", "g", ".3g", "G", "%", ".1%", ",.2f", "_.1f",
               "10.2f", "<10.2f", "^12.3f", "+.1f", " .1f", "010.2f", "012,.2f", ".1", ".2", ".3",
               ".4", ".6", ".10", "#.3", "12.3", "<8.2", "#.0f", "F", ".10g", "20", "-<9", "=+10.1f",
               # refused by Python
               "d", "x", "s", "b"]
STR_SPECS = ["", "s", "5", "<5", ">5", "^5", "*^8", ".2", "10.3", "^9.1", "05",
             # refused by Python
             "+5", "#5", ",", "=5", "d", ".2f"]


def literal(value):
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if value == 0 and math.copysign(1, value) < 0:
            return "-0.0"
        return repr(value)
    return str(value)


def main():
    for kind, values, specs in (("i", INTS, INT_SPECS), ("f", FLOATS, FLOAT_SPECS), ("s", STRS, STR_SPECS)):
        for value in values:
            for spec in specs:
                try:
                    result = format(value, spec)
                except ValueError:
                    result = "!error"
                print(f"{kind}\t{literal(value)}\t{spec}\t{result}")


main()
