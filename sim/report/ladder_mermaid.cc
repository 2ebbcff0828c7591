// Mermaid sequenceDiagram.  Participants get short aliases (c0, c1, ...)
// because titles like "proxy (domain.ru)" contain spaces and parentheses.
#include <string>

#include "sim/report/ladder.h"

namespace siplab::report {
namespace {

// ';' ends a statement and '#' starts an entity code in Mermaid text, so both
// are written as entity codes; newlines would end the message.
std::string mermaid_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ';') out += "#59;";
    else if (c == '#') out += "#35;";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string render_mermaid(const Ladder& ladder) {
  std::string out = "sequenceDiagram\n";
  for (std::size_t i = 0; i < ladder.columns.size(); ++i)
    out += "    participant c" + std::to_string(i) + " as " + mermaid_text(ladder.columns[i].label) + "\n";
  std::optional<Instant> previous;
  for (const Arrow& a : ladder.arrows) {
    // Solid arrows for first sends, dotted for retransmissions; "x" ends a
    // lost message in a cross.
    std::string arrow = a.lost ? (a.retransmit ? "--x" : "-x") : (a.retransmit ? "-->>" : "->>");
    std::string text = a.label;
    if (a.retransmit) text += " (rtx)";
    if (a.lost) text += " (lost: " + a.loss_cause + ")";
    text += " [" + format_ms(a.sent) + " ms";
    if (previous) {
      text += ' ';
      text += format_delta_ms(a.sent - *previous);
    }
    text += "]";
    previous = a.sent;
    out += "    c" + std::to_string(a.from_column) + arrow + "c" + std::to_string(a.to_column) + ": " +
           mermaid_text(text) + "\n";
  }
  return out;
}

}  // namespace siplab::report
