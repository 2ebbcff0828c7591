#include "sim/topology/dot_writer.h"

#include <cstdio>
#include <fstream>

namespace siplab::topo {
namespace {

// Shortest round-trip text for a probability ("0.01", "1", "0.3").
std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// Graphviz quoted string: escape the quote and the backslash; a line break
// becomes Graphviz's centred-line escape \n.
std::string dot_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::string format_duration(Duration d) {
  const int64_t ns = d.count();
  if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns != 0 && ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns != 0 && ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::string format_rate(uint64_t bps) {
  if (bps % 1'000'000'000 == 0) return std::to_string(bps / 1'000'000'000) + "Gbps";
  if (bps % 1'000'000 == 0) return std::to_string(bps / 1'000'000) + "Mbps";
  if (bps % 1'000 == 0) return std::to_string(bps / 1'000) + "kbps";
  return std::to_string(bps) + "bps";
}

std::string describe_loss(const LossSpec& loss) {
  switch (loss.model) {
    case LossSpec::Model::None:
      return "none";
    case LossSpec::Model::Random:
      return "random " + format_number(loss.rate);
    case LossSpec::Model::GilbertElliott:
      return "gilbert-elliott p=" + format_number(loss.p) + " r=" + format_number(loss.r) +
             " good=" + format_number(loss.loss_good) + " bad=" + format_number(loss.loss_bad);
    case LossSpec::Model::Outage:
      return "outage " + format_duration(loss.from) + "-" + format_duration(loss.to);
  }
  return "none";
}

std::string to_dot(const TopologyPlan& plan) {
  std::string out = "graph topology {\n  node [shape=box];\n";
  for (size_t i = 0; i < plan.node_count(); ++i) {
    std::string label = plan.name(i);
    label += '\n';
    label += plan.addresses[i].to_string();
    if (!plan.addresses6.empty()) {
      label += '\n';
      label += plan.addresses6[i].to_string();
    }
    out += "  " + dot_quoted(plan.name(i)) + " [label=" + dot_quoted(label) + "];\n";
  }
  for (size_t k = 0; k < plan.links.size(); ++k) {
    const LinkSpec& l = plan.spec.links[k];
    std::string label = format_duration(l.delay) + " " + format_rate(l.rate_bps) + " " +
                        std::to_string(l.queue_packets) + "p";
    if (l.jitter > Duration::zero()) label += " jitter " + format_duration(l.jitter);
    if (l.loss_a_to_b.model != LossSpec::Model::None)
      label += "\n" + l.a + "->" + l.b + ": " + describe_loss(l.loss_a_to_b);
    if (l.loss_b_to_a.model != LossSpec::Model::None)
      label += "\n" + l.b + "->" + l.a + ": " + describe_loss(l.loss_b_to_a);
    out += "  " + dot_quoted(l.a) + " -- " + dot_quoted(l.b) + " [label=" + dot_quoted(label) + "];\n";
  }
  return out + "}\n";
}

std::optional<std::string> write_dot(const TopologyPlan& plan, const std::filesystem::path& path) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return "cannot open " + path.string() + " for writing";
  file << to_dot(plan);
  file.close();
  if (!file) return "cannot write " + path.string();
  return std::nullopt;
}

}  // namespace siplab::topo
