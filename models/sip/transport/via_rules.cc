#include "models/sip/transport/via_rules.h"

#include <algorithm>
#include <string>

#include "models/sip/message/param.h"

namespace siplab::sip {

namespace {

constexpr uint16_t kDefaultSipPort = 5060;

std::optional<IpAddress> literal_address(std::string_view host) {
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
};

ViaFacts facts_of(const Via& via) {
  return ViaFacts{via.host, via.port, via.branch(), via.maddr(), via.received(), via.has_rport(), via.rport()};
}

// One pass over the view's parameters (each accessor of ViaView would scan them again).
ViaFacts facts_of(const ViaView& via) {
  ViaFacts f{via.host, via.port, {}, {}, {}, false, {}};
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
    } else if (!f.has_rport && iequals(name, "rport")) {
      f.has_rport = true;
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
    const auto address = literal_address(*via.received);
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

}  // namespace

void stamp_received(Via& via, const Endpoint& source) {
  const ViaStamp stamp = stamp_for(facts_of(via), source);
  if (stamp.received) via.set_received(source.address.to_string());
  if (stamp.rport) via.set_rport(source.port);
}

std::optional<StampedTopVia> stamp_top_via(Message& message, const Endpoint& source, Transport transport,
                                           const ParsedMessage* parsed) {
  std::vector<Header>& rows = message.mutable_headers();
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
  StampedTopVia out{std::string(facts.branch.value_or("")), via->sent_by(), std::nullopt};
  const ViaStamp stamp = stamp_for(facts, source);
  if (!stamp.received && !stamp.rport) {
    out.response_destination = destination_for(facts, transport);
    return out;
  }
  const std::string received = stamp.received ? source.address.to_string() : std::string();
  const std::string rport = stamp.rport ? std::to_string(source.port) : std::string();
  // The row again with the via-parm's parameters rewritten as
  // Via::append_to() writes them, with set_param()'s rule: the first
  // parameter of that name takes the value, else it is appended.
  const std::size_t at = static_cast<std::size_t>(via->params.text.data() - via_row.data());
  const std::size_t after = at + via->params.text.size();
  std::string value;
  value.reserve(row->value.size() + received.size() + 24);
  value.append(row->value, 0, at);
  bool received_set = !stamp.received, rport_set = !stamp.rport;
  via->params.for_each([&](std::string_view name, std::optional<std::string_view> param_value) {
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
  value.append(row->value, after);
  if (stamp.received) facts.received = received;
  if (stamp.rport) facts.rport = source.port;
  out.response_destination = destination_for(facts, transport);
  // The facts may view the old row text: the swap comes last.
  row->value.swap(value);
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
  return via_is_ours(via.host, via.port, address, port, sent_by_host);
}

bool via_is_ours(std::string_view via_host, std::optional<uint16_t> via_port, const IpAddress& address,
                 uint16_t port, const std::string& sent_by_host) {
  if (via_port.value_or(kDefaultSipPort) != port) return false;
  if (!sent_by_host.empty() && iequals(via_host, sent_by_host)) return true;
  const auto host = literal_address(via_host);
  return host && *host == address;
}

}  // namespace siplab::sip
