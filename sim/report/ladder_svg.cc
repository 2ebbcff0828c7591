// SVG ladder for slides: one row per arrow (so labels never overlap each
// other), white label backgrounds (so lifelines never run through text), and
// the full message as a <title> tooltip on every arrow.
#include <algorithm>
#include <cstdio>
#include <string>

#include "sim/report/ladder.h"
#include "sim/report/xml_escape.h"

namespace siplab::report {
namespace {

constexpr double kCharWidth = 7.0;  // ~average advance of 12px sans-serif
constexpr int kMarginLeft = 170;    // time + delta text
constexpr int kHeaderHeight = 56;
constexpr int kRowHeight = 36;
constexpr int kMinLane = 180;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

const char* colour(const Arrow& a) {
  if (a.lost) return "#c62828";
  switch (a.kind) {
    case ArrowKind::SipRequest: return "#1a4f9c";
    case ArrowKind::SipResponse: return "#2e7d32";
    default: return "#6d6d6d";
  }
}

}  // namespace

std::string render_svg(const Ladder& ladder) {
  const int n = static_cast<int>(ladder.columns.size());
  std::size_t longest = 0;
  for (const auto& c : ladder.columns) longest = std::max(longest, c.label.size());
  const int lane = std::max(kMinLane, static_cast<int>(longest * 8.0) + 30);
  const int width = kMarginLeft + std::max(n, 1) * lane + 20;
  const int rows = static_cast<int>(ladder.arrows.size());
  const int height = kHeaderHeight + 20 + rows * kRowHeight + 40;
  auto x_of = [&](std::size_t col) { return kMarginLeft + static_cast<int>(col) * lane + lane / 2; };

  std::string out;
  out.reserve(4096 + ladder.arrows.size() * 1024);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  out += "<defs>\n";
  for (const char* c : {"#1a4f9c", "#2e7d32", "#6d6d6d"}) {
    out += std::string("<marker id=\"head-") + (c + 1) +
           "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
           "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" + c + "\"/></marker>\n";
  }
  out += "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";

  // Headers and lifelines.
  const int life_top = kHeaderHeight, life_bottom = height - 30;
  out += "<text x=\"8\" y=\"" + std::to_string(kHeaderHeight - 8) +
         "\" font-family=\"monospace\" font-size=\"11\" fill=\"#444\">time ms</text>\n";
  out += "<text x=\"96\" y=\"" + std::to_string(kHeaderHeight - 8) +
         "\" font-family=\"monospace\" font-size=\"11\" fill=\"#444\">delta</text>\n";
  for (int i = 0; i < n; ++i) {
    int x = x_of(i);
    out += "<g class=\"column\"><rect x=\"" + std::to_string(x - lane / 2 + 10) + "\" y=\"10\" width=\"" +
           std::to_string(lane - 20) + "\" height=\"30\" rx=\"4\" fill=\"#eef2f8\" stroke=\"#5a6b85\"/>";
    out += "<text x=\"" + std::to_string(x) + "\" y=\"30\" text-anchor=\"middle\" font-size=\"13\" "
           "font-weight=\"bold\">" + xml_escape(ladder.columns[i].label) + "</text>";
    out += "<line x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(life_top - 16) + "\" x2=\"" +
           std::to_string(x) + "\" y2=\"" + std::to_string(life_bottom) +
           "\" stroke=\"#9aa5b5\" stroke-dasharray=\"4 3\"/></g>\n";
  }

  std::optional<Instant> previous;
  for (std::size_t i = 0; i < ladder.arrows.size(); ++i) {
    const Arrow& a = ladder.arrows[i];
    const int y = kHeaderHeight + 20 + static_cast<int>(i) * kRowHeight + 22;
    const double x1 = x_of(a.from_column), x2 = x_of(a.to_column);
    const char* c = colour(a);
    std::string text = a.label;
    if (a.retransmit) text += " (retransmission)";
    if (a.lost) text += " (lost: " + a.loss_cause + ")";

    out += "<g class=\"arrow\" data-index=\"" + std::to_string(i) + "\"><title>" + xml_escape(a.detail) +
           "</title>";
    out += "<text x=\"8\" y=\"" + std::to_string(y + 4) + "\" font-family=\"monospace\" font-size=\"11\">" +
           format_ms(a.sent) + "</text>";
    if (previous)
      out += "<text x=\"96\" y=\"" + std::to_string(y + 4) +
             "\" font-family=\"monospace\" font-size=\"11\" fill=\"#666\">" + format_delta_ms(a.sent - *previous) +
             "</text>";
    previous = a.sent;

    std::string dash = a.retransmit ? " stroke-dasharray=\"7 4\"" : "";
    if (x1 == x2) {  // a message to itself: a small loop
      out += "<path d=\"M" + num(x1) + "," + std::to_string(y - 6) + " h30 v12 h-30\" fill=\"none\" stroke=\"" +
             c + "\" stroke-width=\"1.6\"" + dash + "/>";
    } else if (a.lost) {
      double xc = x1 + (x2 - x1) * a.loss_at;
      out += "<line class=\"shaft\" x1=\"" + num(x1) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" + num(xc) +
             "\" y2=\"" + std::to_string(y) + "\" stroke=\"" + c + "\" stroke-width=\"1.6\"" + dash + "/>";
      out += "<path class=\"cross\" d=\"M" + num(xc - 6) + "," + std::to_string(y - 6) + " L" + num(xc + 6) + "," +
             std::to_string(y + 6) + " M" + num(xc - 6) + "," + std::to_string(y + 6) + " L" + num(xc + 6) + "," +
             std::to_string(y - 6) + "\" stroke=\"" + c + "\" stroke-width=\"2.4\"/>";
    } else {
      out += "<line class=\"shaft\" x1=\"" + num(x1) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" + num(x2) +
             "\" y2=\"" + std::to_string(y) + "\" stroke=\"" + c + "\" stroke-width=\"1.6\"" + dash +
             " marker-end=\"url(#head-" + (c + 1) + ")\"/>";
    }
    // Label centred on the arrow, kept inside the picture, on a white box.
    double w = text.size() * kCharWidth + 8;
    double cx = (x1 + x2) / 2 + (x1 == x2 ? 60 : 0);
    cx = std::clamp(cx, kMarginLeft + w / 2, width - 4 - w / 2);
    out += "<rect x=\"" + num(cx - w / 2) + "\" y=\"" + std::to_string(y - 19) + "\" width=\"" + num(w) +
           "\" height=\"15\" fill=\"white\" fill-opacity=\"0.9\"/>";
    out += "<text x=\"" + num(cx) + "\" y=\"" + std::to_string(y - 7) + "\" text-anchor=\"middle\" fill=\"" + c +
           "\">" + xml_escape(text) + "</text></g>\n";
  }
  out += "<text x=\"8\" y=\"" + std::to_string(height - 10) +
         "\" font-size=\"11\" fill=\"#555\">Dashed: retransmission. Cross: lost message. Grey: DNS. "
         "Hover an arrow for the full message.</text>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace siplab::report
