// Plain-text ladder: RFC 3665 style (label on the line above its arrow), with
// send time and delta to the previous arrow in the left margin.  Fits 100
// columns for up to 6 entities.
#include <algorithm>
#include <string>

#include "sim/report/ladder.h"

namespace siplab::report {
namespace {

constexpr int kTimeWidth = 10;   // "27166.000"
constexpr int kDeltaWidth = 10;  // "+20000.000"
constexpr int kMargin = kTimeWidth + 1 + kDeltaWidth + 1;
constexpr int kMaxWidth = 100;

std::string pad_left(const std::string& s, int width) {
  return s.size() >= static_cast<std::size_t>(width) ? s : std::string(width - s.size(), ' ') + s;
}

// Splits a title into lines of at most `width` characters, at spaces when it can.
std::vector<std::string> wrap(const std::string& text, int width) {
  std::vector<std::string> lines;
  std::string current;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t sp = text.find(' ', pos);
    std::string word = text.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
    pos = sp == std::string::npos ? text.size() : sp + 1;
    while (static_cast<int>(word.size()) > width) {  // a word too long: hard split
      if (!current.empty()) lines.push_back(std::move(current)), current.clear();
      lines.push_back(word.substr(0, width));
      word = word.substr(width);
    }
    if (current.empty())
      current = word;
    else if (static_cast<int>(current.size() + 1 + word.size()) <= width)
      current += " " + word;
    else
      lines.push_back(std::move(current)), current = word;
  }
  if (!current.empty()) lines.push_back(current);
  return lines;
}

std::string arrow_text(const Arrow& a) {
  std::string s = a.label;
  if (a.retransmit) s += " (rtx)";
  if (a.lost) s += " (" + a.loss_cause + ")";
  return s;
}

}  // namespace

std::string render_ascii(const Ladder& ladder) {
  const int n = static_cast<int>(ladder.columns.size());
  if (n == 0) return "(no messages)\n";
  const int lane = std::clamp((kMaxWidth - kMargin) / n, 12, 24);
  const int width = kMargin + n * lane;
  auto x_of = [&](std::size_t col) { return kMargin + static_cast<int>(col) * lane + lane / 2; };
  auto lifelines = [&]() {
    std::string row(width, ' ');
    for (int i = 0; i < n; ++i) row[x_of(i)] = '|';
    return row;
  };
  auto trim = [](std::string s) {
    s.erase(s.find_last_not_of(' ') + 1);
    return s + "\n";
  };

  std::string out;
  // Column titles, wrapped to the lane and centred on the lifeline.
  std::vector<std::vector<std::string>> titles;
  std::size_t title_rows = 0;
  for (const auto& c : ladder.columns) {
    titles.push_back(wrap(c.label, lane - 1));
    title_rows = std::max(title_rows, titles.back().size());
  }
  for (std::size_t r = 0; r < title_rows; ++r) {
    std::string row(width, ' ');
    if (r + 1 == title_rows) {
      std::string head = pad_left("time ms", kTimeWidth) + " " + pad_left("delta", kDeltaWidth);
      row.replace(0, head.size(), head);
    }
    for (int i = 0; i < n; ++i) {
      // Bottom-align the titles so every lifeline starts right under its name.
      std::size_t skip = title_rows - titles[i].size();
      if (r < skip) continue;
      const std::string& t = titles[i][r - skip];
      int start = std::max(x_of(i) - static_cast<int>(t.size()) / 2, kMargin + i * lane);
      row.replace(start, t.size(), t);
    }
    out += trim(row);
  }
  out += trim(lifelines());

  std::optional<Instant> previous;
  for (const Arrow& a : ladder.arrows) {
    int x1 = x_of(a.from_column), x2 = x_of(a.to_column);
    int lo = std::min(x1, x2), hi = std::max(x1, x2);

    // Label line: centred over the arrow; a label longer than the gap runs
    // over the neighbouring lifelines (on this line only), still centred.
    std::string label_row = lifelines();
    std::string text = arrow_text(a);
    const int len = static_cast<int>(text.size());
    int start = lo == hi ? lo + 2 : (lo + hi + 1) / 2 - len / 2;
    start = std::min(start, width - len);
    start = std::max(start, len <= width - kMargin ? kMargin : 0);
    std::string extended = label_row;
    if (start + text.size() > extended.size()) extended.resize(start + text.size(), ' ');
    extended.replace(start, text.size(), text);
    out += trim(extended);

    // Arrow line.
    std::string row = lifelines();
    std::string t = format_ms(a.sent);
    std::string d = previous ? format_delta_ms(a.sent - *previous) : "";
    previous = a.sent;
    std::string head = pad_left(t, kTimeWidth) + " " + pad_left(d, kDeltaWidth);
    row.replace(0, head.size(), head);
    if (lo == hi) {
      row.replace(lo + 1, 3, "-+ ");  // to itself
    } else {
      int dir = x2 > x1 ? 1 : -1;
      int end = x2 - dir;  // last cell before the receiver's lifeline
      if (a.lost) {
        int cross = x1 + static_cast<int>((x2 - x1) * a.loss_at);
        cross = std::clamp(cross, lo + 1, hi - 1);
        for (int x = x1 + dir; x != cross; x += dir) row[x] = '-';
        row[cross] = 'X';
      } else {
        for (int x = x1 + dir; x != x2; x += dir) row[x] = '-';
        row[end] = dir > 0 ? '>' : '<';
      }
    }
    out += trim(row);
  }
  out += trim(lifelines());
  out += "\n(rtx) = retransmission; X = lost (cause in parentheses); times in ms since the start of the run\n";
  return out;
}

}  // namespace siplab::report
