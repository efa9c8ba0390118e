"""Compiler options for Wasp's host code (C++20 is set in .bazelrc)."""

WASP_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror=return-type",
    # Designated initializers leave the other members at their defaults.
    "-Wno-missing-field-initializers",
]
