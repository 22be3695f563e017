// XML text: escaping for element content and attributes (JUnit, HTML).
#pragma once

#include <string>
#include <string_view>

namespace synack::cli {

// Text safe for XML 1.0 element content and attribute values: markup
// characters as entities, and bytes XML cannot carry (invalid UTF-8,
// control characters) as U+FFFD. Newlines and tabs are kept as such in
// content and written as character references in attributes.
std::string XmlEscape(std::string_view text, bool attribute);

}  // namespace synack::cli
