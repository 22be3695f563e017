// For the pipeline's tests: the plan of one script in ipv4 on one backend.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "cli/command_line.h"
#include "cli/run_plan.h"

namespace synack::cli::testing {

// tests/cli/ in the source tree: the scripts the plans are made of.
inline const std::string kCliScripts = std::string(SYNACK_SOURCE_DIR) + "/tests/cli/";

inline SuitePlan Plan(const std::string& file, const std::string& backend) {
  CommandLine cl;
  cl.command = "run";
  cl.files = {file};
  cl.backend = backend;
  cl.variants = {interpreter::IpVersion::kIpv4};
  std::ostringstream err;
  std::optional<SuitePlan> plan = PlanSuite(cl, err);
  EXPECT_TRUE(plan) << err.str();
  return plan ? std::move(*plan) : SuitePlan();
}

}  // namespace synack::cli::testing
