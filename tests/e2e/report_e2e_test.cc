// Copyright 2026 The strandq Authors.
// End to end: `strandq run --report` and `strandq report` write one self-contained page, which
// real headless Chromium then draws. Without Chromium these tests fail (scripts/install-deps
// installs it); they never skip.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include "e2e/e2e_util.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using testing::ProcessResult;
using testing::TempDir;

// Event 7 dies at once with HTML on stderr (its error); every fifth event fails its first
// attempt (a retry).
constexpr const char* kReportHandler = R"(#!/bin/sh
cat >/dev/null
if [ "$STRANDQ_EVENT_ID" = 7 ]; then
  cat >&2 <<'END'
</script><img src=x onerror="document.title='pwned'"><b id="injected">bold</b>
END
  exit 65
fi
if [ $((STRANDQ_EVENT_ID % 5)) = 0 ] && [ "$STRANDQ_ATTEMPT" = 1 ]; then
  echo "transient failure" >&2
  exit 1
fi
exit 0
)";

// The verdict as the page's script draws it (the script's own text holds the words too).
constexpr const char* kReportOkBadge = "<div class=\"badge ok\">verification: OK</div>";

// Debian's chromium, or "" (then the test fails: the page must be drawn by a real browser).
std::string ReportChromiumBinary() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

class ReportE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    handler_ = dir_.File("handler.sh");
    testing::WriteFile(handler_, kReportHandler);
    ::chmod(handler_.c_str(), 0755);
  }

  // A run with retries and one dead letter whose error is HTML; its log and page.
  void RunWithReport() {
    ProcessResult run = Strandq({"run", "--events", "300", "--accounts", "20", "--work",
                                 "exec:" + handler_, "--max-attempts", "3", "--retry-backoff",
                                 "1ms", "--workers", "8", "--log", log_, "--report", page_});
    // A dead letter fails the run; the page is written all the same.
    ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
    ASSERT_TRUE(Contains(run.out, "report: " + page_)) << run.out;
  }

  // The DOM after the page's script ran in headless Chromium.
  std::string RenderedDom(const std::string& page) {
    const std::string chromium = ReportChromiumBinary();
    EXPECT_FALSE(chromium.empty())
        << "Chromium is not installed: scripts/install-deps installs Debian's chromium";
    if (chromium.empty()) return "";
    ProcessResult shown = testing::RunProcess(
        {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--user-data-dir=" + dir_.File("chromium-profile"),
         "--virtual-time-budget=10000", "--dump-dom", "file://" + page},
        std::chrono::seconds(90));
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    return shown.out;
  }

  TempDir dir_;
  std::string handler_, log_ = dir_.File("run.jsonl"), page_ = dir_.File("run.html");
};

TEST_F(ReportE2eTest, RunWritesASelfContainedPage) {
  RunWithReport();
  const std::string page = testing::ReadFile(page_);
  ASSERT_FALSE(page.empty());
  const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//|@import|url\(|<link)",
                            std::regex::icase);
  EXPECT_FALSE(std::regex_search(page, external)) << "the page loads something from outside";
  EXPECT_FALSE(Contains(page, "<img")) << "the error's HTML is in the page unescaped";
  EXPECT_TRUE(Contains(page, "\\u003cimg src=x onerror=")) << "the error is not in the data";
}

TEST_F(ReportE2eTest, ChromiumDrawsThePageWithTheErrorAsText) {
  RunWithReport();
  const std::string dom = RenderedDom(page_);
  EXPECT_TRUE(Contains(dom, "data-rendered=\"1\"")) << "the page's script did not finish";
  EXPECT_TRUE(Contains(dom, kReportOkBadge)) << dom.substr(0, 4000);
  EXPECT_TRUE(
      Contains(dom, "<p class=\"badge fail\">result: FAILED: 1 event(s) dead-lettered</p>"));
  EXPECT_TRUE(Contains(dom, "<svg")) << "no SVG chart";
  EXPECT_TRUE(Contains(dom, "<canvas")) << "no slot chart";
  EXPECT_TRUE(Contains(dom, "class=\"concurrency\"")) << "no concurrency curve";
  EXPECT_TRUE(Contains(dom, "class=\"bar\"")) << "no latency histogram";
  // The error is shown as text: escaped in the DOM, no element made of it.
  EXPECT_TRUE(Contains(dom, "&lt;img src=x onerror=")) << "the error is not shown";
  EXPECT_FALSE(Contains(dom, "<img")) << "the error's HTML became an element";
  EXPECT_FALSE(Contains(dom, "<b id=\"injected\"")) << "the error's HTML became an element";
  EXPECT_FALSE(Contains(dom, "<title>pwned")) << "the error's script ran";
  EXPECT_TRUE(
      Contains(dom, "<td class=\"error\">command exited with status 1: transient failure</td>"));
}

TEST_F(ReportE2eTest, ReportCommandReadsTheLogAsVerifyDoes) {
  RunWithReport();
  const std::string page = dir_.File("again.html");
  ProcessResult report = Strandq({"report", log_, "-o", page});
  // The dead letter is settled: the log verifies.
  EXPECT_EQ(report.exit_code, 0) << report.out << report.err;
  EXPECT_TRUE(Contains(report.out, "verification: OK")) << report.out;
  EXPECT_TRUE(Contains(RenderedDom(page), kReportOkBadge));

  // A log that does not verify: the page is written, the exit code is verify's.
  testing::WriteFile(dir_.File("gap.jsonl"),
                     testing::ReadFile(log_) +
                         R"({"id":999,"account":"zz","seq":1,"attempt":1,"worker":"w:0",)"
                         R"("enqueued_ns":1,"start_ns":2,"end_ns":3,"outcome":"ack"})"
                         "\n"
                         R"({"id":998,"account":"zz","seq":3,"attempt":1,"worker":"w:0",)"
                         R"("enqueued_ns":1,"start_ns":4,"end_ns":5,"outcome":"ack"})"
                         "\n");
  const std::string failed_page = dir_.File("failed.html");
  ProcessResult failed = Strandq({"report", dir_.File("gap.jsonl"), "-o", failed_page});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  const std::string dom = RenderedDom(failed_page);
  EXPECT_TRUE(Contains(dom, "<div class=\"badge fail\">verification: FAILED (1 violation)</div>"))
      << dom.substr(0, 4000);
  EXPECT_FALSE(Contains(dom, kReportOkBadge));
  EXPECT_TRUE(Contains(dom, "<li>loss: zz: seq 2 never logged"));
}

TEST_F(ReportE2eTest, BadInputIsRefusedAndNothingIsWritten) {
  const std::string page = dir_.File("x.html");
  ProcessResult no_output = Strandq({"report", log_});
  EXPECT_EQ(no_output.exit_code, 2);
  EXPECT_TRUE(Contains(no_output.err, "-o run.html")) << no_output.err;

  ProcessResult missing = Strandq({"report", dir_.File("none.jsonl"), "-o", page});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(Contains(missing.err, "none.jsonl")) << missing.err;

  testing::WriteFile(dir_.File("bad.jsonl"), "{\"id\":1,\"account\":\"a\"}\nnot json\n");
  ProcessResult bad = Strandq({"report", dir_.File("bad.jsonl"), "-o", page});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(Contains(bad.err, "bad.jsonl:1")) << bad.err;
  EXPECT_NE(::access(page.c_str(), F_OK), 0) << "a page was written for a bad log";

  ProcessResult nowhere =
      Strandq({"report", dir_.File("bad.jsonl"), "-o", dir_.File("no/such/dir.html")});
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_TRUE(Contains(nowhere.err, "-o")) << nowhere.err;

  // run checks --report before it processes anything.
  ProcessResult run = Strandq(
      {"run", "--events", "10", "--work", "noop", "--report", dir_.File("no/such/dir.html")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Contains(run.err, "--report")) << run.err;
  EXPECT_FALSE(Contains(run.out, "verification")) << run.out;
}

TEST_F(ReportE2eTest, TruncatedLastLineIsSkippedAsVerifyDoes) {
  RunWithReport();
  std::string text = testing::ReadFile(log_);
  text += R"({"id":12345,"account":"a1","se)";  // a writer killed in mid-line
  testing::WriteFile(dir_.File("torn.jsonl"), text);
  ProcessResult report = Strandq({"report", dir_.File("torn.jsonl"), "-o", page_});
  EXPECT_EQ(report.exit_code, 0) << report.out << report.err;
  EXPECT_TRUE(Contains(report.err, "skipped its truncated last line")) << report.err;
}

}  // namespace
}  // namespace strandq
