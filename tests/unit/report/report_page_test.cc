// Copyright 2026 The strandq Authors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "report/report_json.h"
#include "strandq/report.h"
#include "strandq/verifier.h"

namespace strandq::report {
namespace {

// The JSON between the data element's tags of `page`.
std::string EmbeddedData(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"strandq-data\">";
  const size_t begin = page.find(open);
  if (begin == std::string::npos) return "";
  const size_t end = page.find("</script>", begin);
  return page.substr(begin + open.size(), end - begin - open.size());
}

std::vector<AttemptRecord> PageRecords(const std::string& error) {
  std::vector<AttemptRecord> records;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    AttemptRecord r;
    r.id = seq;
    r.account = "acct-1";
    r.seq = seq;
    r.attempt = 1;
    r.worker = "h:1:0";
    r.enqueued_ns = 1000;
    r.start_ns = 1000 + static_cast<int64_t>(seq) * 100;
    r.end_ns = r.start_ns + 100;
    if (seq == 2) {
      r.outcome = AttemptRecord::Outcome::kDead;
      r.error = error;
    }
    records.push_back(r);
  }
  return records;
}

TEST(ReportJsonTest, ScriptSafeJsonEscapesWhatCouldEndTheElement) {
  const nlohmann::json value = {{"e", "</script><!-- & \xE2\x80\xA8 \xE2\x80\xA9 >"}};
  const std::string text = JsonForScript(value);
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(text.find('>'), std::string::npos) << text;
  EXPECT_EQ(text.find('&'), std::string::npos) << text;
  EXPECT_EQ(text.find("\xE2\x80\xA8"), std::string::npos) << text;
  EXPECT_EQ(text.find("\xE2\x80\xA9"), std::string::npos) << text;
  EXPECT_EQ(nlohmann::json::parse(text), value);  // the same value
}

TEST(ReportJsonTest, InvalidUtf8IsReplacedNotThrown) {
  const nlohmann::json value = {{"e", std::string("bad \xFF\xFE byte")}};
  const std::string text = JsonForScript(value);
  EXPECT_EQ(nlohmann::json::parse(text)["e"], "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
}

TEST(ReportPageTest, PageCarriesTheVerdictAndEscapedUserText) {
  const std::string hostile = "</script><img src=x onerror=alert(1)>\xE2\x80\xA8";
  const std::vector<AttemptRecord> records = PageRecords(hostile);
  const VerifyReport report = Verify(records, {});
  ReportInfo info;
  info.source = "run.jsonl";
  info.version = "9.9.9";
  const std::string page = RenderRunReport(records, report, info);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("/*STRANDQ_DATA*/"), std::string::npos);
  EXPECT_EQ(page.find("/*STRANDQ_SCRIPT*/"), std::string::npos);
  EXPECT_NE(page.find("data-rendered"), std::string::npos);  // the script is in
  const nlohmann::json data = nlohmann::json::parse(EmbeddedData(page));
  EXPECT_EQ(data["verdict"]["ok"], true);
  EXPECT_EQ(data["figures"]["events"], 3);
  EXPECT_EQ(data["figures"]["dead"], 1);
  EXPECT_EQ(data["dead"]["first"][0]["error"], hostile);
  EXPECT_EQ(data["errors"]["top"][0]["error"], hostile);
  EXPECT_EQ(data["source"], "run.jsonl");
  EXPECT_EQ(data["slots"]["rows"][0]["label"], "h:1:0");
  EXPECT_NE(data["verdict"]["text"].get<std::string>().find("verification: OK"), std::string::npos);
}

TEST(ReportPageTest, PageNamesNothingOutsideItself) {
  const std::vector<AttemptRecord> records = PageRecords("x");
  const std::string page = RenderRunReport(records, Verify(records, {}), {});
  const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//|@import|url\()",
                            std::regex::icase);
  EXPECT_FALSE(std::regex_search(page, external));
}

TEST(ReportPageTest, FailedVerdictCarriesTheViolations) {
  std::vector<AttemptRecord> records = PageRecords("x");
  records[2].start_ns = records[0].start_ns;  // seq 3 overlaps seq 1
  const VerifyReport report = Verify(records, {});
  ASSERT_FALSE(report.ok());
  const std::string page = RenderRunReport(records, report, {});
  const nlohmann::json data = nlohmann::json::parse(EmbeddedData(page));
  EXPECT_EQ(data["verdict"]["ok"], false);
  EXPECT_EQ(data["verdict"]["violations_total"], report.violations_total);
  EXPECT_EQ(data["verdict"]["violations"][0]["kind"], report.violations[0].kind);
}

TEST(ReportPageTest, UnconfirmedLinesAreResolvedAsTheVerifierDoes) {
  std::vector<AttemptRecord> records = PageRecords("x");
  AttemptRecord early = records[0];  // the unconfirmed line before seq 1's final ack
  early.unconfirmed = true;
  records.insert(records.begin(), early);
  const VerifyReport report = Verify(records, {});
  const nlohmann::json data =
      nlohmann::json::parse(EmbeddedData(RenderRunReport(records, report, {})));
  // The unconfirmed line is dropped: three attempts in the one slot, not four.
  EXPECT_EQ(data["figures"]["attempts"], 3);
  EXPECT_EQ(data["errors"]["failed_attempts"], 1);
}

TEST(ReportPageTest, WriteRefusesAMissingDirectory) {
  const std::vector<AttemptRecord> records = PageRecords("x");
  const Status s = WriteRunReport("/nonexistent-dir/run.html", records, Verify(records, {}), {});
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_NE(s.message().find("/nonexistent-dir/run.html"), std::string::npos);
  EXPECT_FALSE(CheckReportPath("--report", "/nonexistent-dir/run.html").ok());
  EXPECT_FALSE(CheckReportPath("--report", "/tmp").ok());
  EXPECT_TRUE(CheckReportPath("--report", "/tmp/run.html").ok());
}

}  // namespace
}  // namespace strandq::report
