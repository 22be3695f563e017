// The text of `synack --help` and `synack help COMMAND`.
#pragma once

#include <string>
#include <vector>

namespace synack::cli {

// The overview for an empty topic, else the command's page.
std::string HelpText(const std::string& topic);

// The commands that have a page, in the overview's order.
std::vector<std::string> HelpCommands();

}  // namespace synack::cli
