// Ladder (sequence) diagrams from a trace: one column per SIP entity (and per
// DNS server), one arrow per message, ordered by send time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/report/trace.h"

namespace siplab::report {

enum class LadderFormat { Ascii, Svg, Mermaid, PlantUml, Html };

// "ascii" | "svg" | "mermaid" | "plantuml" | "html"; nullopt otherwise.
std::optional<LadderFormat> parse_ladder_format(std::string_view name);

struct LadderOptions {
  LadderFormat format = LadderFormat::Ascii;
  std::string call_id;   // only messages of this Call-ID (DNS then hidden)
  std::string dialog;    // "call-id;local-tag;remote-tag" (DNS then hidden)
  std::optional<Instant> from;  // only arrows sent at or after
  std::optional<Instant> to;    // only arrows sent at or before
  bool show_dns = true;  // false for --no-dns / --sip-only
};

enum class ArrowKind { SipRequest, SipResponse, DnsQuery, DnsAnswer };

struct Arrow {
  ArrowKind kind = ArrowKind::SipRequest;
  Instant sent{0};              // time of sending (for DNS answers: dns.serve)
  std::optional<Instant> received;
  std::size_t from_column = 0;
  std::size_t to_column = 0;
  std::string label;            // "INVITE", "180 Ringing", "A? proxy.domain.ru"
  bool retransmit = false;
  bool lost = false;
  std::string loss_cause;       // "link-loss", "queue", "no-route", "parse-error", "timeout"
  // Where the cross goes, as a fraction of the way from sender to receiver.
  double loss_at = 0.5;
  std::string call_id, branch, from_tag, to_tag;  // SIP only, for filters
  std::string detail;           // full message text (or DNS answers) for html
  std::size_t trace_line = 0;
};

struct Column {
  std::string node;   // node name, or the address when no node.info owns it
  std::string label;  // column title
};

struct Ladder {
  std::vector<Column> columns;  // only the entities some shown arrow touches
  std::vector<Arrow> arrows;    // by send time, ties in trace order
};

// Builds the arrows (matching sends to receives and drops) and applies filters.
Ladder build_ladder(const Trace& trace, const LadderOptions& options);

// Renders in options.format.  Every renderer takes the same Ladder.
std::string render_ladder(const Trace& trace, const LadderOptions& options);
std::string render_ascii(const Ladder& ladder);
std::string render_mermaid(const Ladder& ladder);
std::string render_plantuml(const Ladder& ladder);
std::string render_svg(const Ladder& ladder);
std::string render_html(const Ladder& ladder, const std::string& title);

// "5102.000" (milliseconds, 3 decimals) and "+34.000" used by every format.
std::string format_ms(Instant t);
std::string format_delta_ms(Duration d);

}  // namespace siplab::report
