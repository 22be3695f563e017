// The text of `synack --help` and `synack help COMMAND`.
#pragma once

#include <string>

namespace synack::cli {

// The overview for an empty topic, else the command's page.
std::string HelpText(const std::string& topic);

}  // namespace synack::cli
