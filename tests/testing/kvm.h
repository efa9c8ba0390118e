// KVM tests fail, never skip, when /dev/kvm cannot be used.
#ifndef WASP_TESTS_TESTING_KVM_H_
#define WASP_TESTS_TESTING_KVM_H_

#include "engine/kvm/kvm_system.h"
#include "gtest/gtest.h"

namespace wasp::testing {

// Fails the running test when KVM cannot be used, saying how to fix it.
inline void ExpectKvm() {
  auto kvm = KvmSystem::Get();
  ASSERT_TRUE(kvm.ok()) << kvm.status()
                        << "\nThis test runs real virtines and needs a "
                           "working, readable /dev/kvm.";
}

class KvmTest : public ::testing::Test {
 protected:
  void SetUp() override { ExpectKvm(); }
};

}  // namespace wasp::testing

#endif  // WASP_TESTS_TESTING_KVM_H_
