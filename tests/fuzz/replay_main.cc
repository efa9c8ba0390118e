// main() of a fuzzer's replay test (bazel/fuzz.bzl): runs every seed file
// (or every file under a seed directory) through the fuzzer's
// LLVMFuzzerTestOneInput, then --mutations=N deterministic mutations of
// them, stopping early after --max_seconds. Built with gcc and no
// libFuzzer, so `bazel test //...` exercises each fuzzer's code and checks.
// An input that crashes is saved to $TEST_UNDECLARED_OUTPUTS_DIR (or /tmp)
// as replay-crash, which `tools/wasp fuzz NAME -- FILE` runs again.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "tests/fuzz/mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
    __attribute__((weak));

namespace {

using Input = std::vector<uint8_t>;

// The input being run, for the crash handler.
const Input* g_current = nullptr;
char g_crash_path[4096];

// Saves the input that crashed, then lets the signal kill the process.
void OnCrash(int signal) {
  if (g_current != nullptr) {
    int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      (void)!::write(fd, g_current->data(), g_current->size());
      ::close(fd);
      static const char kSaved[] = "replay: the crashing input is in ";
      (void)!::write(2, kSaved, sizeof kSaved - 1);
      (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
      (void)!::write(2, "\n", 1);
    }
  }
  ::signal(signal, SIG_DFL);
  ::raise(signal);
}

// Only where nothing else (a sanitizer) handles the signal already.
void InstallCrashHandlers() {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  std::snprintf(g_crash_path, sizeof g_crash_path, "%s/replay-crash",
                dir != nullptr ? dir : "/tmp");
  for (int signal : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    struct sigaction current = {};
    if (::sigaction(signal, nullptr, &current) == 0 &&
        current.sa_handler == SIG_DFL) {
      ::signal(signal, OnCrash);
    }
  }
}

void Run(const Input& input) {
  g_current = &input;
  // libFuzzer hands over an exact-size heap copy; so does this.
  std::unique_ptr<uint8_t[]> copy(new uint8_t[input.size()]);
  std::copy(input.begin(), input.end(), copy.get());
  LLVMFuzzerTestOneInput(copy.get(), input.size());
  g_current = nullptr;
}

bool ReadFile(const std::filesystem::path& path, std::vector<Input>& seeds) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  seeds.emplace_back(std::istreambuf_iterator<char>(file),
                     std::istreambuf_iterator<char>());
  return true;
}

// Files in sorted order, so that the mutations are the same everywhere.
bool ReadSeeds(const std::string& arg, std::vector<Input>& seeds) {
  std::filesystem::path path(arg);
  if (!std::filesystem::is_directory(path)) return ReadFile(path, seeds);
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (!ReadFile(file, seeds)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  long mutations = 0;
  double max_seconds = 20;
  std::vector<Input> seeds;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--mutations=", 0) == 0) {
      mutations = std::strtol(arg.c_str() + 12, nullptr, 10);
    } else if (arg.rfind("--max_seconds=", 0) == 0) {
      max_seconds = std::strtod(arg.c_str() + 14, nullptr);
    } else if (!ReadSeeds(arg, seeds)) {
      std::fprintf(stderr, "replay: cannot read %s\n", arg.c_str());
      return 2;
    }
  }
  if (seeds.empty()) seeds.emplace_back();
  InstallCrashHandlers();
  auto start = std::chrono::steady_clock::now();
  for (const Input& seed : seeds) Run(seed);
  size_t max_size = 4096;
  for (const Input& seed : seeds)
    max_size = std::max(max_size, 2 * seed.size());
  wasp::fuzz::Mutator mutator(/*seed=*/1);
  long done = 0;
  for (; done < mutations; ++done) {
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    if (elapsed.count() > max_seconds) break;
    const Input& seed = seeds[done % seeds.size()];
    const Input& other = seeds[(done * 7 + 3) % seeds.size()];
    Run(mutator.Mutate(seed, other, max_size));
  }
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  std::printf("replay: %zu seeds and %ld of %ld mutations in %.1f s\n",
              seeds.size(), done, mutations, elapsed.count());
  return 0;
}
