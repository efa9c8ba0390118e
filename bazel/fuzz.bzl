"""wasp_fuzzer: a libFuzzer target and the gcc test that replays it.

    load("//bazel:fuzz.bzl", "wasp_fuzzer")

    wasp_fuzzer(
        name = "http_parse_fuzzer",
        srcs = ["http_parse_fuzzer.cc"],
        deps = [":http_parse"],
    )

defines
  :http_parse_fuzzer        the fuzzer (cc_binary tagged manual and fuzzer),
                            built with --config=fuzz: `tools/wasp fuzz NAME`
  :http_parse_fuzzer_seeds  its seed corpus: testdata/<name>_corpus/ and
                            `seeds` (generated files, whose paths must hold
                            "<name>_corpus/" so that tools/wasp finds them)
  :http_parse_fuzzer_replay_test
                            a plain cc_test (gcc, `bazel test //...`) that
                            runs every seed, then `mutations` deterministic
                            mutations of them, through the same
                            LLVMFuzzerTestOneInput (tests/fuzz/replay_main.cc)
"""

load("//bazel:copts.bzl", "WASP_COPTS")

_REPLAY_MAIN = "//tests/fuzz:replay_main"

def wasp_fuzzer(
        name,
        srcs,
        deps = [],
        seeds = [],
        mutations = 20000,
        tags = [],
        size = "small",
        testonly = False):
    """A libFuzzer target with its seed corpus and its replay test.

    Args:
      name: the fuzzer; its source defines LLVMFuzzerTestOneInput.
      srcs: the fuzzer's sources.
      deps: what they use (tests/fuzz:check for WASP_FUZZ_CHECK).
      seeds: generated seed files, beside testdata/<name>_corpus/.
      mutations: inputs the replay test derives from the seeds.
      tags: of the replay test too (e.g. "kvm").
      size: of the replay test.
      testonly: when deps are testonly.
    """
    native.filegroup(
        name = name + "_seeds",
        srcs = native.glob(["testdata/%s_corpus/**" % name]) + seeds,
        testonly = testonly,
    )
    native.cc_binary(
        name = name,
        srcs = srcs,
        copts = WASP_COPTS,
        data = [":" + name + "_seeds"],
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual", "fuzzer"] + tags,
        testonly = testonly,
        deps = deps,
    )
    native.cc_test(
        name = name + "_replay_test",
        size = size,
        srcs = srcs,
        args = [
            "--mutations=%d" % mutations,
            "$(rootpaths :%s_seeds)" % name,
        ],
        copts = WASP_COPTS,
        data = [":" + name + "_seeds"],
        tags = tags,
        deps = deps + [_REPLAY_MAIN],
    )
