#include "models/sip/transport/via_rules.h"

#include <algorithm>
#include <string>

#include "models/sip/message/param.h"

namespace siplab::sip {

namespace {

constexpr uint16_t kDefaultSipPort = 5060;

// A numeric host, also as an IPv6 reference: maddr is a host (RFC 3261
// §20.42, so "[2001:db8::1]" is valid there), and RFC 5118 §4.5 asks a
// receiver to accept received=[...] although §25.1 writes it bare.
std::optional<IpAddress> literal_address(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    const auto address = IpAddress::parse(host.substr(1, host.size() - 2));
    if (!address || !address->v6) return std::nullopt;
    return address;
  }
  return IpAddress::parse(host);
}

// The parameters the stamping and response-routing rules read (first
// occurrence of each, as Via's accessors and set_param() treat them).
struct ViaFacts {
  std::string_view host;
  std::optional<uint16_t> port;
  std::optional<std::string_view> branch;
  std::optional<std::string_view> maddr;
  std::optional<std::string_view> received;
  bool has_rport = false;
  std::optional<uint16_t> rport;  // its value when a number
  // Where the first rport lies (views into the via-parm's text; only from
  // a ViaView): its name, and its value when it has one.
  std::string_view rport_name;
  std::optional<std::string_view> rport_value;
  bool received_named = false;  // a received parameter is there (with a value or not)
  // `received` as an address when already known (just stamped from the
  // packet's source): no text round trip.
  std::optional<IpAddress> received_address;
};

ViaFacts facts_of(const Via& via) {
  ViaFacts f;
  f.host = via.host;
  f.port = via.port;
  f.branch = via.branch();
  f.maddr = via.maddr();
  f.received = via.received();
  f.received_named = f.received.has_value();
  f.has_rport = via.has_rport();
  f.rport = via.rport();
  return f;
}

// One pass over the view's parameters (each accessor of ViaView would scan them again).
ViaFacts facts_of(const ViaView& via) {
  ViaFacts f;
  f.host = via.host;
  f.port = via.port;
  bool branch_seen = false, maddr_seen = false, received_seen = false;
  via.params.for_each([&](std::string_view name, std::optional<std::string_view> value) {
    if (!branch_seen && iequals(name, "branch")) {
      f.branch = value;
      branch_seen = true;
    } else if (!maddr_seen && iequals(name, "maddr")) {
      f.maddr = value;
      maddr_seen = true;
    } else if (!received_seen && iequals(name, "received")) {
      f.received = value;
      received_seen = true;
      f.received_named = true;
    } else if (!f.has_rport && iequals(name, "rport")) {
      f.has_rport = true;
      f.rport_name = name;
      f.rport_value = value;
      if (value) {
        if (auto n = parse_uint(*value, 65535)) f.rport = static_cast<uint16_t>(*n);
      }
    }
  });
  return f;
}

// What stamping sets: received (when the host differs or rport asks for
// it) and the rport value.
struct ViaStamp {
  bool received = false;
  bool rport = false;
};

ViaStamp stamp_for(const ViaFacts& via, const Endpoint& source) {
  const std::optional<IpAddress> sent_by = literal_address(via.host);
  const bool host_differs = !sent_by || *sent_by != source.address;
  const bool wants_rport = via.has_rport && !via.rport;
  return ViaStamp{host_differs || wants_rport, wants_rport};
}

std::optional<Endpoint> destination_for(const ViaFacts& via, Transport transport) {
  const uint16_t sent_by_port = via.port.value_or(kDefaultSipPort);
  if (via.maddr) {
    const auto address = literal_address(*via.maddr);
    if (!address) return std::nullopt;
    return Endpoint{*address, sent_by_port};
  }
  if (via.received) {
    const auto address = via.received_address ? via.received_address : literal_address(*via.received);
    if (!address) return std::nullopt;
    // RFC 3581 §4: rport applies to unreliable transports; over TCP the
    // connection itself is the return path and a new one goes to sent-by's port.
    uint16_t port = sent_by_port;
    if (!is_reliable(transport) && via.rport) port = *via.rport;
    return Endpoint{*address, port};
  }
  const auto address = literal_address(via.host);
  if (!address) return std::nullopt;
  return Endpoint{*address, sent_by_port};
}

bool has_whitespace(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return true;
  }
  return false;
}

// The row with the via-parm's parameters rewritten as Via::append_to()
// writes them, with set_param()'s rule: the first parameter of that name
// takes the value, else it is appended.  `row` holds the same text as
// `via_row`, which `params` and the facts' views look into; the
// parameters start at `at`.
std::string stamped_row(std::string_view row, std::string_view via_row, std::size_t at, const ParamsView& params,
                        const ViaFacts& facts, const ViaStamp& stamp, std::string_view received,
                        std::string_view rport) {
  const std::size_t after = at + params.text.size();
  auto offset = [&via_row](std::string_view part) { return static_cast<std::size_t>(part.data() - via_row.data()); };
  std::string value;
  value.reserve(row.size() + received.size() + 24);
  // Parameters written without whitespace come out of that rewrite as they
  // went in, so only the stamped values change: edit those in place, at
  // the first received / rport the facts found.
  if (!has_whitespace(params.text) && (facts.received || !facts.received_named)) {
    struct Edit {
      std::size_t from, to;      // replaced range of `row` (from == to: an insertion)
      std::string_view name_eq;  // "=" when the parameter had no value
      std::string_view text;
    };
    Edit edits[2];
    int count = 0;
    if (stamp.received && facts.received) {
      edits[count++] = Edit{offset(*facts.received), offset(*facts.received) + facts.received->size(), "", received};
    }
    if (stamp.rport) {  // only when the Via has an rport (RFC 3581 §4)
      if (facts.rport_value) {
        edits[count++] = Edit{offset(*facts.rport_value), offset(*facts.rport_value) + facts.rport_value->size(), "", rport};
      } else {
        const std::size_t name_end = offset(facts.rport_name) + facts.rport_name.size();
        edits[count++] = Edit{name_end, name_end, "=", rport};
      }
    }
    if (count == 2 && edits[1].from < edits[0].from) std::swap(edits[0], edits[1]);
    std::size_t copied = 0;
    for (int i = 0; i < count; ++i) {
      value.append(row, copied, edits[i].from - copied);
      value += edits[i].name_eq;
      value += edits[i].text;
      copied = edits[i].to;
    }
    value.append(row, copied, after - copied);
    if (stamp.received && !facts.received) value.append(";received=").append(received);
    value.append(row, after);
    return value;
  }
  value.append(row, 0, at);
  bool received_set = !stamp.received, rport_set = !stamp.rport;
  params.for_each([&](std::string_view name, std::optional<std::string_view> param_value) {
    value += ';';
    value += name;
    if (!received_set && iequals(name, "received")) {
      param_value = received;
      received_set = true;
    } else if (!rport_set && iequals(name, "rport")) {
      param_value = rport;
      rport_set = true;
    }
    if (param_value) {
      value += '=';
      value += *param_value;
    }
  });
  if (!received_set) value.append(";received=").append(received);
  if (!rport_set) value.append(";rport=").append(rport);
  value.append(row, after);
  return value;
}

}  // namespace

void stamp_received(Via& via, const Endpoint& source) {
  const ViaStamp stamp = stamp_for(facts_of(via), source);
  if (stamp.received) via.set_received(source.address.to_string());
  if (stamp.rport) via.set_rport(source.port);
}

std::optional<StampedTopVia> stamp_top_via(Message& message, const Endpoint& source, Transport transport,
                                           const ParsedMessage* parsed) {
  const std::vector<Header>& rows = message.headers();
  auto row = std::find_if(rows.begin(), rows.end(), [](const Header& h) { return h.id == HeaderId::Via; });
  if (row == rows.end()) return std::nullopt;
  // The top via-parm and the row it lies in: from the parse on arrival
  // while the row is still the text parsed (no second parse), else parsed
  // here from the row itself.
  std::optional<ViaView> via;
  std::string_view via_row;
  if (parsed && parsed->top_via()) {
    if (const auto parsed_row = parsed->header(HeaderId::Via); parsed_row && *parsed_row == row->value) {
      via = *parsed->top_via();
      via_row = *parsed_row;
    }
  }
  if (!via) {
    via = message.top_via_view();
    if (!via) return std::nullopt;
    via_row = row->value;
  }
  ViaFacts facts = facts_of(*via);
  StampedTopVia out{facts.branch.value_or(""), via->sent_by(), std::nullopt};
  const ViaStamp stamp = stamp_for(facts, source);
  if (!stamp.received && !stamp.rport) {
    out.response_destination = destination_for(facts, transport);
    return out;
  }
  const std::string received = stamp.received ? source.address.to_string() : std::string();
  const std::string rport = stamp.rport ? std::to_string(source.port) : std::string();
  const std::size_t at = static_cast<std::size_t>(via->params.text.data() - via_row.data());
  std::string value = stamped_row(row->value, via_row, at, via->params, facts, stamp, received, rport);
  if (stamp.received) {
    facts.received = received;
    facts.received_address = source.address;
  }
  if (stamp.rport) facts.rport = source.port;
  out.response_destination = destination_for(facts, transport);
  // (The facts may view the old row text: it stays in the message's storage.)
  message.set_header_value(static_cast<std::size_t>(row - rows.begin()), value);
  return out;
}

std::optional<Endpoint> response_destination(const Via& via, Transport transport) {
  return destination_for(facts_of(via), transport);
}

std::optional<Endpoint> response_destination(const ViaView& via, Transport transport) {
  return destination_for(facts_of(via), transport);
}

bool via_is_ours(const Via& via, const IpAddress& address, uint16_t port,
                 const std::string& sent_by_host) {
  return via_is_ours(via.host, via.port, address, std::nullopt, port, sent_by_host);
}

bool via_is_ours(std::string_view via_host, std::optional<uint16_t> via_port, const IpAddress& address,
                 const std::optional<IpAddress>& address6, uint16_t port, const std::string& sent_by_host) {
  if (via_port.value_or(kDefaultSipPort) != port) return false;
  if (!sent_by_host.empty() && iequals(via_host, sent_by_host)) return true;
  const auto host = literal_address(via_host);
  return host && (*host == address || (address6 && *host == *address6));
}

}  // namespace siplab::sip
