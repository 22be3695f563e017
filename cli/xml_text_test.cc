// Tests for XML escaping: markup, and bytes XML cannot carry.
#include "cli/xml_text.h"

#include <gtest/gtest.h>

#include <string>

namespace synack::cli {
namespace {

TEST(XmlTextTest, Escape) {
  EXPECT_EQ("a&amp;b&lt;c&gt;d\"e'f\n\tg", XmlEscape("a&b<c>d\"e'f\n\tg", false));
  EXPECT_EQ("&quot;&apos;&#10;&#9;&#13;", XmlEscape("\"'\n\t\r", true));
  // Valid UTF-8 passes; what XML cannot hold becomes U+FFFD.
  EXPECT_EQ("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80",
            XmlEscape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80", false));
  EXPECT_EQ("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx",
            XmlEscape(std::string("\x00\x1b\x7f", 3).substr(0, 2) + "\xC3" + "x",
                      false));
  EXPECT_EQ("\xEF\xBF\xBD", XmlEscape("\xC0\x80", false).substr(0, 3));  // overlong
  // A surrogate: each of its bytes is an invalid sequence of its own.
  EXPECT_EQ("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD",
            XmlEscape("\xED\xA0\x80", false));
  EXPECT_EQ("\xEF\xBF\xBD", XmlEscape("\xEF\xBF\xBE", false));  // U+FFFE
}

}  // namespace
}  // namespace synack::cli
