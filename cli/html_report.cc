// The HTML page of a suite: ladder diagrams in inline SVG, styled inline.
#include "cli/html_report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>
#include <string_view>
#include <system_error>
#include <variant>

#include "cli/report_entry.h"
#include "cli/xml_text.h"

namespace synack::cli {

namespace {

// The ladder's geometry, in SVG user units.
constexpr int kPeerX = 190;   // the script's lane
constexpr int kStackX = 610;  // the stack's lane
constexpr int kWidth = 800;
constexpr int kTop = 52;      // the first row's arrow starts here
constexpr int kRowHeight = 38;
constexpr int kArrowDrop = 14;  // an arrow goes down: time passes in flight
constexpr size_t kLabelChars = 64;

// Lanes, arrows and marks; a failing row in red, rows never reached faded.
constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.1em; margin: 0 0 .5em; }
.verdict { font-weight: bold; color: #b00; }
.run { border: 1px solid #ddd; border-radius: 6px; padding: 1em;
       margin: 1em 0; }
.pair { display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; }
.ladder { flex: none; }
.ladder text { font: 11px monospace; fill: #222; }
.ladder .lane { stroke: #999; stroke-width: 2; }
.ladder .lane-name { font: bold 12px system-ui, sans-serif; }
.ladder .row line { stroke: #333; stroke-width: 1.5; }
.ladder .row rect { fill: #eef; stroke: #333; }
.ladder .row .when { fill: #666; }
.ladder .unreached { opacity: .35; }
.ladder .diverged line, .ladder .actual line { stroke: #c00; stroke-width: 2.5; }
.ladder .diverged rect { fill: #fdd; stroke: #c00; }
.ladder .diverged text, .ladder .actual text { fill: #c00; font-weight: bold; }
.ladder .diverged .band { fill: rgba(204, 0, 0, .08); stroke: none; }
.ladder .actual line { stroke-dasharray: 5 3; }
pre.output { flex: 1; min-width: 24em; margin: 0; padding: .8em;
             background: #fff6f6; border-left: 4px solid #c00;
             white-space: pre-wrap; font-size: 12px; }
.difference { color: #b00; }
table.others { border-collapse: collapse; }
table.others td, table.others th { padding: .15em .8em; text-align: left;
                                   border-bottom: 1px solid #eee; }
table.others td.seconds { text-align: right; font-variant-numeric: tabular-nums; }
)";

// The index of failing runs, filled in from what the browser drew: for
// each run, the rows drawn as its first difference (their lines, the
// colour they show in, whether the rows go down in time order), and the
// counts of the runs shown. A reader gets links to each failure; a test
// (tests/html_browser_test.sh) reads the same from the rendered page.
// Without scripts the index stays hidden and the rest reads the same.
constexpr const char* kIndexScript = R"(
(function () {
  var list = document.querySelector('#index ol');
  var shown = function (element) {
    var box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  var runs = Array.from(document.querySelectorAll('article.run.failing'))
      .filter(shown);
  runs.forEach(function (run) {
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.href = '#' + run.id;
    link.textContent = run.querySelector('h2').textContent;
    item.appendChild(link);
    item.dataset.run = run.id;
    var marked = Array.from(run.querySelectorAll('g.row.diverged')).filter(shown);
    item.dataset.marked = marked.map(function (g) { return g.dataset.line; })
        .join(' ');
    if (marked.length > 0) {
      var shape = marked[0].querySelector('line, rect:not(.band)');
      item.dataset.stroke = getComputedStyle(shape).stroke;
      var rows = Array.from(run.querySelectorAll('g.row'));
      item.dataset.timeGoesDown = rows.every(function (g, i) {
        return i === 0 || g.getBoundingClientRect().top >
                          rows[i - 1].getBoundingClientRect().top;
      }) ? 'yes' : 'no';
      item.appendChild(document.createTextNode(
          ': differs at line ' + item.dataset.marked));
    }
    list.appendChild(item);
  });
  document.getElementById('index').hidden = runs.length === 0;
  var counts = document.getElementById('counts');
  counts.dataset.shownFailed = runs.length;
  counts.dataset.shownPassed =
      Array.from(document.querySelectorAll('tr.passed')).filter(shown).length;
})();
)";

std::string Text(std::string_view text) { return XmlEscape(text, false); }

std::string Trim(std::string_view text) {
  const size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(start, end - start + 1));
}

// Line `line` (from 1) of `text`.
std::string SourceLine(const std::string& text, int line) {
  size_t at = 0;
  for (int i = 1; i < line && at != std::string::npos; ++i) {
    at = text.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  if (at == std::string::npos || at >= text.size()) return "";
  return Trim(std::string_view(text).substr(at, text.find('\n', at) - at));
}

std::string Shorten(const std::string& text) {
  if (text.size() <= kLabelChars) return text;
  return text.substr(0, kLabelChars - 3) + "...";
}

const char* KindName(LadderRow::Kind kind) {
  switch (kind) {
    case LadderRow::Kind::kToStack:
      return "to-stack";
    case LadderRow::Kind::kFromStack:
      return "from-stack";
    case LadderRow::Kind::kCall:
      return "call";
    case LadderRow::Kind::kScript:
      return "script";
  }
  return "call";
}

bool Failed(Verdict verdict) {
  return verdict != Verdict::kPass && verdict != Verdict::kSkipped;
}

// What the stack sent instead, when the failure says: the text after
// "actual packet: " in the run's output.
std::string ActualPacket(const std::string& output) {
  const std::string_view key = "actual packet: ";
  const size_t at = output.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  return Trim(std::string_view(output).substr(start, output.find('\n', start) - start));
}

// Where a failing run parted from its script: the row of its first
// failure tied to a row; else the first row it did not reach (it stopped
// there: a timeout, a crash); rows.size() when neither (a failure at the
// end of the run, such as a packet nobody expected).
size_t DivergedRow(const std::vector<LadderRow>& rows, const RunRecord& record) {
  for (const RunRecord::Failure& failure : record.failures) {
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].line == failure.line) return i;
    }
  }
  std::map<int, bool> reached;
  for (const RunRecord::Event& event : record.events) reached[event.line] = true;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!reached.count(rows[i].line)) return i;
  }
  return rows.size();
}

// One row's drawing: an arrow between the lanes for a packet, a box on its
// lane for a call or a command, its label, and at the left when it
// completed (script time) and its line.
std::string RowShapes(const LadderRow& row, int y, const std::string& when,
                      const std::string& marker) {
  const std::string label = Text(Shorten(row.text));
  std::string svg = "<text class=\"when\" x=\"6\" y=\"" + std::to_string(y + 4) +
                    "\">" + Text(when) + "</text><text class=\"when\" x=\"6\" y=\"" +
                    std::to_string(y + 17) + "\">line " +
                    std::to_string(row.line) + "</text>";
  const int mid = (kPeerX + kStackX) / 2;
  switch (row.kind) {
    case LadderRow::Kind::kToStack:
    case LadderRow::Kind::kFromStack: {
      const bool in = row.kind == LadderRow::Kind::kToStack;
      const int from = in ? kPeerX : kStackX, to = in ? kStackX : kPeerX;
      svg += "<line x1=\"" + std::to_string(from) + "\" y1=\"" +
             std::to_string(y) + "\" x2=\"" + std::to_string(to) + "\" y2=\"" +
             std::to_string(y + kArrowDrop) + "\" marker-end=\"url(#" +
             marker + ")\"/>";
      svg += "<text x=\"" + std::to_string(mid) + "\" y=\"" +
             std::to_string(y - 4) + "\" text-anchor=\"middle\">" + label +
             "</text>";
      break;
    }
    case LadderRow::Kind::kCall:
      svg += "<rect x=\"" + std::to_string(kStackX - 6) + "\" y=\"" +
             std::to_string(y - 2) + "\" width=\"12\" height=\"16\"/>";
      svg += "<text x=\"" + std::to_string(kStackX - 12) + "\" y=\"" +
             std::to_string(y + 10) + "\" text-anchor=\"end\">" + label +
             "</text>";
      break;
    case LadderRow::Kind::kScript:
      svg += "<rect x=\"" + std::to_string(kPeerX - 6) + "\" y=\"" +
             std::to_string(y - 2) + "\" width=\"12\" height=\"16\"/>";
      svg += "<text x=\"" + std::to_string(kPeerX + 12) + "\" y=\"" +
             std::to_string(y + 10) + "\">" + label + "</text>";
      break;
  }
  return svg;
}

// The ladder of a failing run: a row per script event, each either done
// ("ok", at the time it completed), the first difference ("diverged"),
// or never reached; below the diverged row, what the stack sent instead
// when the failure names it.
std::string Ladder(const ReportedRun& run, const std::string& id) {
  const std::vector<LadderRow> rows =
      run.script ? LadderRows(*run.script) : std::vector<LadderRow>();
  const RunRecord& record = run.record;
  const size_t diverged = DivergedRow(rows, record);
  const std::string actual = ActualPacket(run.entry.result.output);
  std::map<int, std::string> seconds;  // by line: when it completed
  for (const RunRecord::Event& event : record.events) {
    seconds.emplace(event.line, event.seconds);
  }
  const size_t extra = diverged < rows.size() && !actual.empty() ? 1 : 0;
  const int height =
      kTop + static_cast<int>(rows.size() + extra) * kRowHeight + 4;
  const std::string arrow = "arrow-" + id, red = "arrow-red-" + id;
  std::string svg = "<svg class=\"ladder\" "
                    "width=\"" + std::to_string(kWidth) + "\" height=\"" +
                    std::to_string(height) + "\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"ladder diagram\">";
  svg += "<defs>";
  for (const auto& [name, color] : {std::pair{arrow, "#333"}, std::pair{red, "#c00"}}) {
    svg += "<marker id=\"" + name + "\" viewBox=\"0 0 10 10\" refX=\"10\" "
           "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
           "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
           "fill=\"" + std::string(color) + "\"/></marker>";
  }
  svg += "</defs>";
  for (const auto& [x, name] : {std::pair{kPeerX, "script/peer"},
                                std::pair{kStackX, "stack"}}) {
    svg += "<text class=\"lane-name\" x=\"" + std::to_string(x) +
           "\" y=\"16\" text-anchor=\"middle\">" + name + "</text>";
    svg += "<line class=\"lane\" x1=\"" + std::to_string(x) + "\" y1=\"24\" x2=\"" +
           std::to_string(x) + "\" y2=\"" + std::to_string(height) + "\"/>";
  }
  int y = kTop;
  for (size_t i = 0; i < rows.size(); ++i, y += kRowHeight) {
    const LadderRow& row = rows[i];
    const auto done = seconds.find(row.line);
    const char* state = i == diverged                            ? "diverged"
                        : done == seconds.end() || i > diverged ? "unreached"
                                                                : "ok";
    const std::string when =
        done == seconds.end() ? "" : done->second + " s";
    svg += "<g class=\"row " + std::string(state) + "\" data-line=\"" +
           std::to_string(row.line) + "\" data-kind=\"" + KindName(row.kind) +
           "\"><title>" + Text("line " + std::to_string(row.line) + ": " + row.text) +
           "</title>";
    if (i == diverged) {
      svg += "<rect class=\"band\" x=\"0\" y=\"" + std::to_string(y - 18) +
             "\" width=\"" + std::to_string(kWidth) + "\" height=\"" +
             std::to_string(kRowHeight) + "\"/>";
    }
    svg += RowShapes(row, y, when, i == diverged ? red : arrow) + "</g>";
    if (i == diverged && extra) {
      y += kRowHeight;
      const LadderRow sent{LadderRow::Kind::kFromStack, row.line,
                           "actual: " + actual};
      svg += "<g class=\"actual\" data-line=\"" + std::to_string(row.line) +
             "\"><title>" + Text("the stack sent: " + actual) + "</title>" +
             RowShapes(sent, y, "", red) + "</g>";
    }
  }
  return svg + "</svg>";
}

std::string Seconds(double seconds) { return ReportSeconds(seconds) + " s"; }

std::string FailingRun(const ReportedRun& run) {
  const RunResult& result = run.entry.result;
  const std::string id = "run-" + std::to_string(run.index + 1);
  std::string html = "<article class=\"run failing\" id=\"" + id +
                     "\" data-verdict=\"" + VerdictWord(result.verdict) + "\">";
  html += "<h2><span class=\"verdict\">" + std::string(VerdictWord(result.verdict)) +
          "</span> " + Text(run.entry.label) + " <small>" +
          Seconds(result.seconds) + "</small></h2>";
  if (!run.difference.empty()) {
    html += "<p class=\"difference\">Kernel and stack differ: " +
            Text(run.difference) + "</p>";
  }
  html += "<div class=\"pair\">";
  if (!run.record.empty()) html += Ladder(run, id);
  html += "<pre class=\"output\">" + Text(result.output) + "</pre></div></article>\n";
  return html;
}

}  // namespace

std::vector<LadderRow> LadderRows(const LoadedScript& script) {
  std::vector<LadderRow> rows;
  for (const grammar::Event& event : script.script.events) {
    LadderRow row;
    row.line = event.loc.line;
    if (const auto* packet = std::get_if<grammar::PacketEvent>(&event.action)) {
      row.kind = packet->direction == grammar::Direction::kInbound
                     ? LadderRow::Kind::kToStack
                     : LadderRow::Kind::kFromStack;
    } else if (std::holds_alternative<grammar::SyscallEvent>(event.action)) {
      row.kind = LadderRow::Kind::kCall;
    } else {
      row.kind = LadderRow::Kind::kScript;
    }
    row.text = SourceLine(script.text, row.line);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string RenderHtml(const std::vector<ReportedRun>& runs,
                       double wall_seconds) {
  size_t passed = 0, failed = 0, skipped = 0;
  for (const ReportedRun& run : runs) {
    const Verdict verdict = run.entry.result.verdict;
    passed += verdict == Verdict::kPass;
    skipped += verdict == Verdict::kSkipped;
    failed += Failed(verdict);
  }
  const std::string counts =
      std::to_string(passed) + " passed, " + std::to_string(failed) +
      " failed, " + std::to_string(skipped) + " skipped; " +
      std::to_string(runs.size()) + " runs in " + Seconds(wall_seconds);
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width\">\n"
      "<title>synack: " + counts + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<h1>synack run</h1>\n";
  html += "<p id=\"counts\" data-passed=\"" + std::to_string(passed) +
          "\" data-failed=\"" + std::to_string(failed) + "\" data-skipped=\"" +
          std::to_string(skipped) + "\">" + counts + "</p>\n";
  html += "<nav id=\"index\" hidden><h2>Failing runs</h2><ol></ol></nav>\n"
          "<section id=\"failing\">\n";
  for (const ReportedRun& run : runs) {
    if (Failed(run.entry.result.verdict)) html += FailingRun(run);
  }
  html += "</section>\n<section id=\"others\">\n<h2>Other runs</h2>\n"
          "<table class=\"others\">\n<tr><th>verdict</th><th>run</th>"
          "<th>time</th></tr>\n";
  for (const ReportedRun& run : runs) {
    const RunResult& result = run.entry.result;
    if (Failed(result.verdict)) continue;
    std::string note;
    if (result.verdict == Verdict::kSkipped) {
      note = " (" + FirstErrorLine(result) + ")";
    } else if (!result.first_output.empty()) {
      note = " (run again alone after a timing failure)";
    }
    html += "<tr id=\"run-" + std::to_string(run.index + 1) + "\" class=\"" +
            (result.verdict == Verdict::kPass ? "passed" : "skipped") +
            "\"><td>" + VerdictWord(result.verdict) + "</td><td>" +
            Text(run.entry.label + note) + "</td><td class=\"seconds\">" +
            Seconds(result.seconds) + "</td></tr>\n";
  }
  html += "</table>\n</section>\n<script>" + std::string(kIndexScript) +
          "</script>\n</body>\n</html>\n";
  return html;
}

std::string HtmlReportPath(const std::string& dir) {
  return (std::filesystem::path(dir) / "index.html").string();
}

bool HtmlReporter::SuiteEnded(const SuiteEnd& suite) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  return WriteReportFile(HtmlReportPath(dir_),
                         RenderHtml(suite.runs, suite.wall_seconds), err_);
}

}  // namespace synack::cli
