// A file mapped shared by two processes (io/shared_file.*): two mappings of one file see each
// other's writes, a new file at the same path has a new inode and leaves an old mapping whole.
#include "netsim/io/shared_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace netsim::io {
namespace {

class SharedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/netsim-shared-file-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/board";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
};

TEST_F(SharedFileTest, TwoMappingsShareTheirBytes) {
  auto writer = SharedFile::create(path_, 1 << 20);
  ASSERT_TRUE(writer) << writer.error().message;
  EXPECT_EQ(writer->bytes().size(), 1u << 20);
  EXPECT_EQ(writer->bytes()[4096], std::byte{0});
  auto reader = SharedFile::open(path_);
  ASSERT_TRUE(reader) << reader.error().message;
  writer->bytes()[12345] = std::byte{42};
  EXPECT_EQ(reader->bytes()[12345], std::byte{42});
  EXPECT_EQ(reader->inode(), writer->inode());
  EXPECT_EQ(SharedFile::inodeAt(path_), writer->inode());
}

TEST_F(SharedFileTest, CreatingAgainMakesANewFileAndTheOldMappingStaysValid) {
  auto first = SharedFile::create(path_, 4096);
  ASSERT_TRUE(first);
  first->bytes()[0] = std::byte{1};
  auto reader = SharedFile::open(path_);
  ASSERT_TRUE(reader);
  auto second = SharedFile::create(path_, 8192);
  ASSERT_TRUE(second);
  EXPECT_NE(second->inode(), reader->inode());
  EXPECT_EQ(SharedFile::inodeAt(path_), second->inode());
  EXPECT_EQ(reader->bytes()[0], std::byte{1}) << "the reader's old copy is still mapped";
  EXPECT_EQ(second->bytes()[0], std::byte{0});
}

TEST_F(SharedFileTest, MissingFileIsNotFound) {
  auto r = SharedFile::open(dir_ + "/none");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, common::ErrorCode::kNotFound);
  EXPECT_EQ(SharedFile::inodeAt(dir_ + "/none"), 0u);
  EXPECT_FALSE(SharedFile::create(dir_ + "/no/such/dir/board", 4096));
}

}  // namespace
}  // namespace netsim::io
