// TAP and JUnit XML rendering of a suite's results.
#include "cli/reports.h"

#include <cstdio>
#include <map>

namespace synack::cli {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);
  return text;
}

// The length of the valid UTF-8 sequence at text[i] and its code point, or 0
// when the bytes there are not one (overlong, surrogate, cut short).
size_t Utf8Sequence(std::string_view text, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(text[i + k]);
  };
  const unsigned char lead = byte(0);
  size_t length;
  uint32_t cp;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[length] || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  *code_point = cp;
  return length;
}

// XML 1.0's Char production.
bool XmlAllows(uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Text for a YAML block scalar: each line indented, control characters but
// tab shown as '?', so no line can end the block early or break a reader.
std::string YamlBlock(const std::string& text, const std::string& indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += indent;
    for (size_t i = start; i < end; ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      out += (c < 0x20 && c != '\t') || c == 0x7F ? '?' : static_cast<char>(c);
    }
    out += '\n';
    start = end + 1;
  }
  return out;
}

// A TAP description must not hold '#' (a directive would follow) nor a
// newline.
std::string TapDescription(const std::string& label) {
  std::string out;
  for (char c : label) {
    if (c == '#') {
      out += "\\#";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double seconds = 0;

  void Add(const RunResult& result) {
    ++tests;
    seconds += result.seconds;
    switch (result.verdict) {
      case Verdict::kPass:
        break;
      case Verdict::kFail:
        ++failures;
        break;
      case Verdict::kSkipped:
        ++skipped;
        break;
      case Verdict::kError:
      case Verdict::kTimeout:
      case Verdict::kInterrupted:
        ++errors;
        break;
    }
  }

  std::string Attributes() const {
    return " tests=\"" + std::to_string(tests) + "\" failures=\"" +
           std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
           "\" skipped=\"" + std::to_string(skipped) + "\"";
  }
};

std::string TestCase(const ReportEntry& entry) {
  const RunResult& result = entry.result;
  std::string xml = "    <testcase name=\"" + XmlEscape(entry.name, true) +
                    "\" classname=\"" + XmlEscape(entry.class_name, true) +
                    "\" file=\"" + XmlEscape(entry.file, true) + "\" time=\"" +
                    Seconds(result.seconds) + "\"";
  // A run made again after a timing failure: the first run's output.
  std::string first;
  if (!result.first_output.empty()) {
    first = "      <system-out>" +
            XmlEscape("The first run failed on timing, with other runs at "
                      "once; this verdict is from running it again alone. "
                      "The first run:\n" + result.first_output,
                      false) +
            "</system-out>\n";
  }
  if (result.verdict == Verdict::kPass) {
    if (first.empty()) return xml + "/>\n";
    return xml + ">\n" + first + "    </testcase>\n";
  }
  xml += ">\n";
  const std::string word = VerdictWord(result.verdict);
  const std::string message = XmlEscape(FirstErrorLine(result), true);
  if (result.verdict == Verdict::kSkipped) {
    xml += "      <skipped message=\"" + message + "\"/>\n";
  } else {
    const char* element = result.verdict == Verdict::kFail ? "failure" : "error";
    xml += std::string("      <") + element + " message=\"" + message +
           "\" type=\"" + word + "\">" + XmlEscape(result.output, false) +
           "</" + element + ">\n";
  }
  return xml + first + "    </testcase>\n";
}

}  // namespace

std::string XmlEscape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t length = Utf8Sequence(text, i, &cp);
    if (length == 0 || !XmlAllows(cp)) {
      out += kReplacement;
      i += length == 0 ? 1 : length;
      continue;
    }
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\'':
        out += attribute ? "&apos;" : "'";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";  // a raw CR would be normalized away by the reader
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string ClassNameFor(const std::string& name) {
  const size_t slash = name.rfind('/');
  if (slash == std::string::npos || slash == 0) return "synack";
  std::string dir = name.substr(0, slash);
  std::string out;
  for (char c : dir) out += c == '/' ? '.' : c;
  return out;
}

std::string FirstErrorLine(const RunResult& result) {
  std::string first_line;
  size_t start = 0;
  const std::string& text = result.output;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.find("error:") != std::string::npos) {
      first_line = line;
      break;
    }
    if (first_line.empty() && line.find_first_not_of(" \t") != std::string::npos) {
      first_line = line;
    }
    start = end + 1;
  }
  if (first_line.empty()) first_line = VerdictWord(result.verdict);
  if (first_line.size() > 200) first_line = first_line.substr(0, 197) + "...";
  return first_line;
}

std::string RenderTap(const std::vector<ReportEntry>& entries) {
  std::string tap = "TAP version 13\n1.." + std::to_string(entries.size()) +
                    "\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const ReportEntry& entry = entries[i];
    const RunResult& result = entry.result;
    const std::string number = std::to_string(i + 1);
    const std::string description = TapDescription(entry.label);
    if (result.verdict == Verdict::kPass) {
      tap += "ok " + number + " - " + description + "\n";
      tap += "  ---\n  seconds: " + Seconds(result.seconds) + "\n";
      if (!result.first_output.empty()) {
        tap += "  retried: failed on timing, passed run again alone\n";
        tap += "  first_output: |\n" + YamlBlock(result.first_output, "    ");
      }
      tap += "  ...\n";
      continue;
    }
    if (result.verdict == Verdict::kSkipped) {
      tap += "ok " + number + " - " + description + " # SKIP " +
             TapDescription(FirstErrorLine(result)) + "\n";
      continue;
    }
    tap += "not ok " + number + " - " + description + "\n";
    tap += "  ---\n  verdict: " + std::string(VerdictWord(result.verdict)) +
           "\n  seconds: " + Seconds(result.seconds) + "\n";
    if (!result.output.empty()) {
      tap += "  output: |\n" + YamlBlock(result.output, "    ");
    }
    if (!result.first_output.empty()) {
      tap += "  retried: failed on timing, failed again run alone\n";
    }
    tap += "  ...\n";
  }
  return tap;
}

std::string RenderJUnit(const std::vector<ReportEntry>& entries,
                        double wall_seconds) {
  std::map<std::string, std::vector<const ReportEntry*>> by_class;
  Counts all;
  for (const ReportEntry& entry : entries) {
    by_class[entry.class_name].push_back(&entry);
    all.Add(entry.result);
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"synack\"" + all.Attributes() + " time=\"" +
         Seconds(wall_seconds) + "\">\n";
  for (const auto& [class_name, members] : by_class) {
    Counts counts;
    for (const ReportEntry* entry : members) counts.Add(entry->result);
    xml += "  <testsuite name=\"" + XmlEscape(class_name, true) + "\"" +
           counts.Attributes() + " time=\"" + Seconds(counts.seconds) + "\">\n";
    for (const ReportEntry* entry : members) xml += TestCase(*entry);
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

}  // namespace synack::cli
