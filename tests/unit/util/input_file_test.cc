// Copyright 2026 The strandq Authors.
#include "util/input_file.h"

#include <gtest/gtest.h>

#include <string>

#include "testutil/temp_dir.h"

namespace strandq {
namespace {

TEST(InputFileTest, OpensARegularFile) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("a.txt"), "line\n");
  auto opened = OpenInputFile(dir.File("a.txt"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::string line;
  ASSERT_TRUE(std::getline(*opened, line));
  EXPECT_EQ(line, "line");
}

TEST(InputFileTest, MissingFileNamesThePathAndTheReason) {
  testing::TempDir dir;
  auto opened = OpenInputFile(dir.File("missing.csv"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(opened.status().message(),
            "cannot open " + dir.File("missing.csv") + ": No such file or directory");
}

TEST(InputFileTest, DirectoryIsRefused) {
  testing::TempDir dir;
  auto opened = OpenInputFile(dir.path());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(opened.status().message(), "cannot read " + dir.path() + ": it is a directory");
}

}  // namespace
}  // namespace strandq
