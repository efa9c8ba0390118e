"""How guest images compile Duktape's amalgamation with newlib."""

# Duktape's generic platform: its Linux one wants glibc headers (<endian.h>,
# clock_gettime) that newlib lacks. Its headers are found at the external
# repository's root.
DUKTAPE_GUEST_COPTS = [
    "-U__linux__",
    "-U__linux",
    "-U__gnu_linux__",
    "-Ulinux",
    "-U__unix__",
    "-U__unix",
    "-Uunix",
    "-Iexternal/duktape_source",
]
