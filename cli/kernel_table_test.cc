#include "cli/kernel_table.h"

#include <gtest/gtest.h>

namespace synack::cli {
namespace {

ReportedRun KernelRun(const std::string& file, const std::string& kernel,
                Verdict verdict, const std::string& output = "") {
  ReportedRun run;
  run.label = file + " (ipv4, " + kernel + ")";
  run.entry.file = file;
  run.variant = "ipv4";
  run.kernel = kernel;
  run.entry.result.verdict = verdict;
  run.entry.result.output = output;
  return run;
}

TEST(KernelTableTest, OnlyScriptsWhoseVerdictsDifferWithTheFailuresFirstLine) {
  const std::vector<ReportedRun> runs = {
      KernelRun("a.pkt", "6.18.4", Verdict::kPass),
      KernelRun("a.pkt", "6.1.0-57-amd64", Verdict::kFail,
          "warning: slow\na.pkt:14: error: expected S at 1.0, got it at 3.0\n"
          "  script packet: ...\n"),
      KernelRun("b.pkt", "6.18.4", Verdict::kFail, "b.pkt:3: error: x\n"),
      KernelRun("b.pkt", "6.1.0-57-amd64", Verdict::kFail, "b.pkt:3: error: x\n"),
  };
  EXPECT_EQ(KernelTableText(runs),
            "Verdicts that differ between kernels (1 of 2):\n"
            "  a.pkt (ipv4)\n"
            "    6.18.4: ok\n"
            "    6.1.0-57-amd64: FAIL  a.pkt:14: error: expected S at 1.0, "
            "got it at 3.0\n");
}

TEST(KernelTableTest, NothingWhenAllAgree) {
  EXPECT_EQ(KernelTableText({KernelRun("a.pkt", "x", Verdict::kPass),
                             KernelRun("a.pkt", "y", Verdict::kPass)}),
            "");
}

}  // namespace
}  // namespace synack::cli
