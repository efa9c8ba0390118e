"""vcc_binary and vcc_library: C whose `virtine` functions run in virtines.

    load("//bazel:vcc.bzl", "vcc_binary", "vcc_library")

    vcc_binary(name = "smoketest", srcs = ["smoketest.c"])
    vcc_library(name = "functions", srcs = ["functions.c"], hdrs = [...])

Each .c source is compiled by clang-14 with vcc's pass plugin (as the
installed `vcc` driver does); the objects link with the vcc runtime.
"""

_PLUGIN = "//tools/vcc/pass:vcc_pass.so"
_GUEST_LIBRARY = "//guest/vcc:libvcc_guest.a"
_LINKER_SCRIPT = "//bazel:guest.ld"
_HEADER = "//tools/vcc:include/virtine.h"
_RUNTIME = "//tools/vcc:runtime"

def vcc_objects(name, srcs, hdrs = [], copts = [], **kwargs):
    """Compiles each .c of srcs with vcc; returns the object labels."""
    objects = []
    for src in srcs:
        if not src.endswith(".c"):
            fail("vcc: cannot compile %r (want .c)" % src)
        obj = "_%s_vcc/%s.o" % (name, src[:-2])
        rule = "_%s_vcc_%s" % (name, src[:-2].replace("/", "_"))
        native.genrule(
            name = rule,
            srcs = [src] + hdrs + [_HEADER, _GUEST_LIBRARY, _LINKER_SCRIPT],
            outs = [obj],
            tools = [_PLUGIN],
            cmd = " && ".join([
                "rt=$$PWD/$(@D)/_runtime_%s" % rule,
                "mkdir -p $$rt",
                "cp $(location %s) $(location %s) $$rt/" %
                (_GUEST_LIBRARY, _LINKER_SCRIPT),
                "VCC_RUNTIME_DIR=$$rt clang-14 -D__VCC__ -O2 " +
                "-I$$(dirname $(location %s)) -I. " % _HEADER +
                "-fno-discard-value-names " +
                "-fpass-plugin=$(location %s) " % _PLUGIN +
                " ".join(copts) + " -c $(location %s) -o $@" % src,
                "rm -rf $$rt",
            ]),
            **kwargs
        )
        objects.append(":" + obj)
    return objects

def vcc_binary(name, srcs, hdrs = [], copts = [], deps = [], **kwargs):
    testonly = kwargs.get("testonly", False)
    objects = vcc_objects(name, srcs, hdrs, copts, testonly = testonly)
    native.cc_binary(
        name = name,
        srcs = objects,
        deps = deps + [_RUNTIME],
        linkopts = ["-lm"],
        **kwargs
    )

def vcc_library(name, srcs, hdrs = [], copts = [], deps = [], **kwargs):
    testonly = kwargs.get("testonly", False)
    objects = vcc_objects(name, srcs, hdrs, copts, testonly = testonly)
    native.cc_library(
        name = name,
        srcs = objects,
        hdrs = hdrs,
        deps = deps + [_RUNTIME],
        **kwargs
    )
