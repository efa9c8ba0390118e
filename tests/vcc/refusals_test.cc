// What vcc refuses, it refuses at compile time: clang-14 with the plugin
// fails on each program of refusals/ with an error that names the function
// and the reason, and never with a crash banner.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace {

struct Compile {
  int status;
  std::string output;
};

// The runtime directory the plugin wants: the guest library and the linker
// script side by side.
std::string RuntimeDir() {
  std::string dir = ::testing::TempDir() + "/vcc-runtime";
  std::string command = absl::StrCat(
      "mkdir -p ", dir, " && cp guest/vcc/libvcc_guest.a bazel/guest.ld ", dir);
  EXPECT_EQ(std::system(command.c_str()), 0);
  return dir;
}

Compile CompileWithVcc(const std::string& source) {
  static const std::string runtime = RuntimeDir();
  std::string command = absl::StrCat(
      "VCC_RUNTIME_DIR=", runtime,
      " clang-14 -D__VCC__ -Itools/vcc/include -fno-discard-value-names "
      "-fpass-plugin=tools/vcc/pass/vcc_pass.so -O2 -c tests/vcc/refusals/",
      source, " -o ", ::testing::TempDir(), "/out.o 2>&1");
  Compile result{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, pipe)) > 0) {
    result.output.append(chunk, n);
  }
  result.status = pclose(pipe);
  return result;
}

struct Refusal {
  const char* source;
  const char* reason;
};

class RefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(RefusalTest, IsACompileErrorNamingFunctionAndReason) {
  Compile compile = CompileWithVcc(GetParam().source);
  EXPECT_NE(compile.status, 0) << compile.output;
  EXPECT_NE(compile.output.find(
                absl::StrCat("error: tests/vcc/refusals/", GetParam().source)),
            std::string::npos)
      << compile.output;
  EXPECT_NE(compile.output.find("virtine function 'f': "), std::string::npos)
      << compile.output;
  EXPECT_NE(compile.output.find(GetParam().reason), std::string::npos)
      << compile.output;
  EXPECT_EQ(compile.output.find("PLEASE submit a bug report"),
            std::string::npos)
      << compile.output;
  EXPECT_EQ(compile.output.find("Stack dump"), std::string::npos)
      << compile.output;
}

INSTANTIATE_TEST_SUITE_P(
    Vcc, RefusalTest,
    ::testing::Values(
        Refusal{"void_pointer.c",
                "parameter 'p' is a 'char *' or 'void *', whose size is "
                "unknown: annotate it with virtine_in/out/inout(p, count)"},
        Refusal{"char_pointer.c", "parameter 's' is a 'char *' or 'void *'"},
        Refusal{"variadic.c", "a virtine cannot be variadic"},
        Refusal{"function_pointer.c", "parameter 'g' is a function pointer"},
        Refusal{"pointer_return.c", "a virtine cannot return a pointer"},
        Refusal{"thread_local.c",
                "it uses the thread-local variable 'counter'"},
        Refusal{"other_unit.c",
                "it calls 'elsewhere', which is neither defined in this "
                "file nor in the virtine C library"},
        Refusal{"bad_count.c",
                "virtine_in(p, count): 'count' is neither a parameter nor a "
                "number"},
        Refusal{"not_a_pointer.c", "virtine_in(n, ...): 'n' is not a pointer"},
        Refusal{"pointer_to_pointer.c", "parameter 'p' points to a pointer"}),
    [](const ::testing::TestParamInfo<Refusal>& info) {
      std::string name = info.param.source;
      return name.substr(0, name.find('.'));
    });

TEST(VccPluginTest, CompilesAFileWithoutVirtinesUnchanged) {
  std::string dir = ::testing::TempDir();
  std::string command = absl::StrCat(
      "printf 'int main(void) { return 0; }\\n' > ", dir,
      "/plain.c && clang-14 -fpass-plugin=tools/vcc/pass/vcc_pass.so -c ", dir,
      "/plain.c -o ", dir, "/plain.o");
  EXPECT_EQ(std::system(command.c_str()), 0);
}

}  // namespace
