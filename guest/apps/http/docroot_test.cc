#include "guest/apps/http/docroot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "guest/apps/http/docroot_bundle.h"

namespace wasp {
namespace {

namespace fs = std::filesystem;

const absl::Time kDate = absl::FromUnixSeconds(784111777);

class DocrootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ = fs::path(tmp != nullptr ? tmp : "/tmp") /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_ / "site");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path site() const { return root_ / "site"; }
  void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  fs::path root_;
};

TEST(HttpDateTest, FormatsImfFixdate) {
  EXPECT_EQ(HttpDate(kDate), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(HttpDate(absl::FromUnixSeconds(0)),
            "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(ContentTypeTest, ByExtension) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("OLD.HTM"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("site.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("a.jpg"), "image/jpeg");
  EXPECT_EQ(ContentTypeFor("a.JPEG"), "image/jpeg");
  EXPECT_EQ(ContentTypeFor("a.gif"), "image/gif");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("m.wasm"), "application/wasm");
  EXPECT_EQ(ContentTypeFor("p.pdf"), "application/pdf");
  EXPECT_EQ(ContentTypeFor("Makefile"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("a.tar.gz"), "application/octet-stream");
}

TEST(SampleDocrootTest, HasAnIndexAndHello) {
  std::vector<uint8_t> bundle = SampleDocroot(kDate);
  auto docroot = UnpackDocroot(bundle);
  ASSERT_TRUE(docroot.ok()) << docroot.status();
  EXPECT_EQ(docroot->date, "Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_EQ(docroot->files.size(), 2u);
  EXPECT_EQ(docroot->files[0].path, "/hello.txt");
  EXPECT_EQ(docroot->files[0].content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(docroot->files[1].path, "/index.html");
  EXPECT_EQ(docroot->files[1].content_type, "text/html; charset=utf-8");
  EXPECT_NE(docroot->files[1].body.find("served from a virtine"),
            std::string::npos);
}

TEST(BundleFormatTest, IsLittleEndianWithTheDocumentedLayout) {
  auto bundle = PackDocrootFiles({{"/a", "t", "xyz", 0x01020304}}, kDate);
  ASSERT_TRUE(bundle.ok());
  ASSERT_EQ(bundle->size(), sizeof(wasp_docroot_header) + 16 + 2 + 1 + 3);
  const uint8_t* b = bundle->data();
  EXPECT_EQ(std::string(b, b + 4), "WDR2");
  EXPECT_EQ(b[4], 1);  // count
  EXPECT_EQ(b[8], bundle->size());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(b) + 16),
            "Sun, 06 Nov 1994 08:49:37 GMT");
  const uint8_t* e = b + sizeof(wasp_docroot_header);
  EXPECT_EQ(e[0], 2);
  EXPECT_EQ(e[4], 1);
  EXPECT_EQ(e[8], 3);
  EXPECT_EQ(e[12], 4);  // mtime, little-endian
  EXPECT_EQ(e[15], 1);
  EXPECT_EQ(std::string(e + 16, e + 22), "/atxyz");
}

TEST(BundleFormatTest, FilesKeepTheirModificationTime) {
  std::string dir = ::testing::TempDir() + "/mtime";
  ::mkdir(dir.c_str(), 0755);
  std::ofstream(dir + "/old.txt") << "old";
  timespec times[2] = {{.tv_sec = 1000000000, .tv_nsec = 0},
                       {.tv_sec = 1000000000, .tv_nsec = 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir + "/old.txt").c_str(), times, 0), 0);
  auto bundle = PackDocroot(dir, 1 << 20, kDate);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  auto docroot = UnpackDocroot(*bundle);
  ASSERT_TRUE(docroot.ok());
  ASSERT_EQ(docroot->files.size(), 1u);
  EXPECT_EQ(docroot->files[0].mtime, 1000000000u);
  // Files made without one carry the bundle's date.
  auto sample = UnpackDocroot(SampleDocroot(kDate));
  EXPECT_EQ(sample->files[0].mtime, absl::ToUnixSeconds(kDate));
}

TEST(BundleFormatTest, RefusesUnservableFiles) {
  for (const char* path :
       {"", "a", "/", "/a/", "/../x", "/a/./b", "/a//b", "/a\\b"}) {
    EXPECT_FALSE(PackDocrootFiles({{path, "t", ""}}, kDate).ok()) << path;
  }
  EXPECT_FALSE(
      PackDocrootFiles({{"/a", "t", ""}, {"/a", "u", ""}}, kDate).ok());
  EXPECT_FALSE(PackDocrootFiles({{"/a", "text/html\r\nX: y", ""}}, kDate).ok());
  EXPECT_FALSE(
      PackDocrootFiles({{"/a", std::string(200, 't'), ""}}, kDate).ok());
}

TEST(BundleFormatTest, UnpackRefusesDamage) {
  std::vector<uint8_t> bundle = SampleDocroot(kDate);
  EXPECT_FALSE(UnpackDocroot({bundle.data(), 20}).ok());
  std::vector<uint8_t> truncated(bundle.begin(), bundle.end() - 1);
  EXPECT_FALSE(UnpackDocroot(truncated).ok());
  std::vector<uint8_t> bad_magic = bundle;
  bad_magic[0] ^= 1;
  EXPECT_FALSE(UnpackDocroot(bad_magic).ok());
}

TEST_F(DocrootTest, PacksATreeSortedWithTypes) {
  Write(site() / "index.html", "<h1>hi</h1>");
  Write(site() / "css" / "site.css", "body{}");
  Write(site() / "img" / "deep" / "logo.PNG", std::string("\x89PNG\0", 5));
  Write(site() / "a b.bin", "raw");
  fs::create_symlink("index.html", site() / "home.html");
  ASSERT_EQ(::mkfifo((site() / "fifo").c_str(), 0600), 0);
  auto bundle = PackDocroot(site().string(), 1 << 20, kDate);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  auto docroot = UnpackDocroot(*bundle);
  ASSERT_TRUE(docroot.ok()) << docroot.status();
  std::vector<std::string> paths;
  for (const DocrootFile& file : docroot->files) paths.push_back(file.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"/a b.bin", "/css/site.css", "/home.html",
                                      "/img/deep/logo.PNG", "/index.html"}));
  EXPECT_EQ(docroot->files[0].content_type, "application/octet-stream");
  EXPECT_EQ(docroot->files[1].content_type, "text/css; charset=utf-8");
  EXPECT_EQ(docroot->files[2].body, "<h1>hi</h1>");
  EXPECT_EQ(docroot->files[3].content_type, "image/png");
  EXPECT_EQ(docroot->files[3].body, std::string("\x89PNG\0", 5));
}

TEST_F(DocrootTest, EmptyDirectoryIsAnEmptyBundle) {
  auto bundle = PackDocroot(site().string(), 1 << 20, kDate);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ(bundle->size(), sizeof(wasp_docroot_header));
}

TEST_F(DocrootTest, SymlinkOutOfTheTreeIsAnError) {
  Write(root_ / "secret.txt", "no");
  fs::create_directories(site() / "sub");
  fs::create_symlink("../../secret.txt", site() / "sub" / "leak.txt");
  auto bundle = PackDocroot(site().string(), 1 << 20, kDate);
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bundle.status().message().find("sub/leak.txt"), std::string::npos)
      << bundle.status();
}

// A file its owner kept to itself: root would read it, so a server started
// as root refuses it; an unprivileged one serves its own files, as nginx's
// workers do.
TEST_F(DocrootTest, AFileOnlyItsOwnerMayReadIsRefusedToRoot) {
  Write(site() / "public.txt", "yes");
  Write(site() / "private.txt", "no");
  fs::permissions(site() / "private.txt", fs::perms::owner_read);
  auto bundle = PackDocroot(site().string(), 1 << 20, kDate);
  if (geteuid() != 0) {
    EXPECT_TRUE(bundle.ok()) << bundle.status();
    return;
  }
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(bundle.status().message().find("private.txt"), std::string::npos)
      << bundle.status();
}

TEST_F(DocrootTest, SymlinkedDirectoriesAreNotFollowed) {
  Write(site() / "real" / "x.txt", "once");
  fs::create_directory_symlink("real", site() / "alias");
  auto bundle = PackDocroot(site().string(), 1 << 20, kDate);
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  ASSERT_EQ(UnpackDocroot(*bundle)->files.size(), 1u);
  EXPECT_EQ(UnpackDocroot(*bundle)->files[0].path, "/real/x.txt");
  // Out of the tree, a directory link is an error like a file link.
  fs::create_directories(root_ / "outside");
  fs::create_directory_symlink(root_ / "outside", site() / "out");
  EXPECT_FALSE(PackDocroot(site().string(), 1 << 20, kDate).ok());
}

TEST_F(DocrootTest, TooLargeNamesTheFile) {
  Write(site() / "big.bin", std::string(5000, 'x'));
  auto bundle = PackDocroot(site().string(), 4096, kDate);
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(bundle.status().message().find("big.bin"), std::string::npos)
      << bundle.status();
}

TEST_F(DocrootTest, MissingOrNotADirectory) {
  auto missing = PackDocroot((root_ / "nope").string(), 1 << 20, kDate);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  Write(root_ / "file", "x");
  auto file = PackDocroot((root_ / "file").string(), 1 << 20, kDate);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace wasp
