// PlantUML sequence diagram (@startuml ... @enduml).
#include <string>

#include "sim/report/ladder.h"

namespace siplab::report {
namespace {

// Inside quotes and after ':' PlantUML treats a backslash as an escape and
// a newline as the end of the statement.
std::string puml_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "''";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string render_plantuml(const Ladder& ladder) {
  std::string out = "@startuml\nhide footbox\nskinparam shadowing false\n";
  for (std::size_t i = 0; i < ladder.columns.size(); ++i)
    out += "participant \"" + puml_text(ladder.columns[i].label) + "\" as c" + std::to_string(i) + "\n";
  std::optional<Instant> previous;
  for (const Arrow& a : ladder.arrows) {
    // "-->" dashed for retransmissions; "->x" lost message (ends in a cross).
    std::string arrow = a.retransmit ? "-->" : "->";
    if (a.lost) arrow += "x";
    std::string text = a.label;
    if (a.retransmit) text += " (rtx)";
    if (a.lost) text += " (lost: " + a.loss_cause + ")";
    std::string when = format_ms(a.sent) + " ms";
    if (previous) when += " (" + format_delta_ms(a.sent - *previous) + ")";
    previous = a.sent;
    // "\n" (backslash, n) is PlantUML's line break inside a label.
    out += 'c';
    out += std::to_string(a.from_column);
    out += ' ';
    out += arrow;
    out += " c";
    out += std::to_string(a.to_column);
    out += " : ";
    out += puml_text(text);
    out += "\\n";
    out += when;
    out += '\n';
  }
  out += "@enduml\n";
  return out;
}

}  // namespace siplab::report
