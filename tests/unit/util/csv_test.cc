// Copyright 2026 The strandq Authors.
#include "util/csv.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace strandq {
namespace {

using Fields = std::vector<std::string>;

struct Parsed {
  std::vector<Fields> records;
  std::vector<size_t> lines;
  Status error;
  size_t error_line = 0;
};

Parsed ParseAll(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  Parsed parsed;
  Fields fields;
  while (true) {
    Result<bool> more = reader.Next(&fields);
    if (!more.ok()) {
      parsed.error = more.status();
      parsed.error_line = reader.line();
      return parsed;
    }
    if (!*more) return parsed;
    parsed.records.push_back(fields);
    parsed.lines.push_back(reader.line());
  }
}

TEST(CsvReaderTest, PlainRecordsWithLf) {
  Parsed p = ParseAll("account,seq\na,1\nb,2\n");
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  EXPECT_EQ(p.records, (std::vector<Fields>{{"account", "seq"}, {"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(p.lines, (std::vector<size_t>{1, 2, 3}));
}

TEST(CsvReaderTest, CrLfAndMissingFinalNewline) {
  Parsed p = ParseAll("x,y\r\n1,2\r\n3,4");
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  EXPECT_EQ(p.records, (std::vector<Fields>{{"x", "y"}, {"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(p.lines, (std::vector<size_t>{1, 2, 3}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  Parsed p = ParseAll("");
  ASSERT_TRUE(p.error.ok());
  EXPECT_TRUE(p.records.empty());
}

TEST(CsvReaderTest, EmptyFields) {
  Parsed p = ParseAll(",\na,,b\n\"\"\n,");
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  EXPECT_EQ(p.records, (std::vector<Fields>{{"", ""}, {"a", "", "b"}, {""}, {"", ""}}));
}

TEST(CsvReaderTest, BlankLineIsARecordWithoutFields) {
  Parsed p = ParseAll("a\n\nb\r\n\r\nc\n");
  ASSERT_TRUE(p.error.ok());
  EXPECT_EQ(p.records, (std::vector<Fields>{{"a"}, {}, {"b"}, {}, {"c"}}));
  EXPECT_EQ(p.lines, (std::vector<size_t>{1, 2, 3, 4, 5}));
}

TEST(CsvReaderTest, QuotedFieldsWithCommasQuotesAndLineBreaks) {
  Parsed p = ParseAll(
      "a,\"x,y\",\"say \"\"hi\"\"\"\n"
      "b,\"two\nlines\",\"crlf\r\ninside\"\r\n"
      "c,\"\",end\n");
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[0], (Fields{"a", "x,y", "say \"hi\""}));
  EXPECT_EQ(p.records[1], (Fields{"b", "two\nlines", "crlf\r\ninside"}));
  EXPECT_EQ(p.records[2], (Fields{"c", "", "end"}));
  // Physical lines: the second record spans lines 2-4.
  EXPECT_EQ(p.lines, (std::vector<size_t>{1, 2, 5}));
}

TEST(CsvReaderTest, LoneCrEndsALine) {
  Parsed p = ParseAll("a\rb\r");
  ASSERT_TRUE(p.error.ok());
  EXPECT_EQ(p.records, (std::vector<Fields>{{"a"}, {"b"}}));
  EXPECT_EQ(p.lines, (std::vector<size_t>{1, 2}));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheLineWhereItOpened) {
  Parsed p = ParseAll("a,b\nc,\"open\nstill open\nand more");
  EXPECT_EQ(p.records.size(), 1u);
  ASSERT_FALSE(p.error.ok());
  EXPECT_EQ(p.error.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(p.error.message().find("unterminated quoted field 2"), std::string::npos)
      << p.error.message();
  EXPECT_EQ(p.error_line, 2u);
}

TEST(CsvReaderTest, StrayQuoteInUnquotedField) {
  Parsed p = ParseAll("a,b\nc,d\"e\n");
  ASSERT_FALSE(p.error.ok());
  EXPECT_NE(p.error.message().find("stray quote"), std::string::npos) << p.error.message();
  EXPECT_EQ(p.error_line, 2u);
}

TEST(CsvReaderTest, StrayCharacterAfterClosingQuote) {
  Parsed p = ParseAll("h\n\"multi\nline\"x\n");
  ASSERT_FALSE(p.error.ok());
  EXPECT_NE(p.error.message().find("after the closing quote"), std::string::npos)
      << p.error.message();
  EXPECT_EQ(p.error_line, 3u);  // where the stray character is
}

TEST(CsvReaderTest, StaysFailedAfterAnError) {
  std::istringstream in("\"a\"b\nc\n");
  CsvReader reader(in);
  Fields fields;
  EXPECT_FALSE(reader.Next(&fields).ok());
  EXPECT_FALSE(reader.Next(&fields).ok());
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  std::string out;
  AppendCsvField("plain", &out);
  out.push_back('|');
  AppendCsvField("a,b", &out);
  out.push_back('|');
  AppendCsvField("say \"hi\"", &out);
  out.push_back('|');
  AppendCsvField("two\nlines", &out);
  out.push_back('|');
  AppendCsvField("cr\r", &out);
  out.push_back('|');
  AppendCsvField("", &out);
  EXPECT_EQ(out, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\r\"|");
}

TEST(CsvWriterTest, LoneEmptyFieldIsQuoted) {
  std::string out;
  std::vector<std::string_view> one_empty = {""};
  AppendCsvRecord(one_empty, &out);
  EXPECT_EQ(out, "\"\"\n");
}

TEST(CsvRoundTripTest, NastyFieldsSurvive) {
  const std::vector<Fields> records = {
      {"account", "seq", "payload"},
      {"a", "1", ""},
      {"b", "2", ",,,"},
      {"c", "3", "\"\"\""},
      {"d", "4", "line1\nline2\r\nline3\r"},
      {"e", "5", " leading and trailing "},
      {""},
      {"", "", ""},
  };
  std::string text;
  for (const Fields& record : records) {
    std::vector<std::string_view> views(record.begin(), record.end());
    AppendCsvRecord(views, &text);
  }
  Parsed p = ParseAll(text);
  ASSERT_TRUE(p.error.ok()) << p.error.ToString();
  EXPECT_EQ(p.records, records);
}

}  // namespace
}  // namespace strandq
