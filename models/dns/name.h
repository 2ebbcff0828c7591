// Domain names in presentation form (RFC 1035 §5.1, with \X and \DDD escapes)
// and their label structure, shared by the zone parser, the wire codec and
// the authoritative core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siplab::dns {

// Longest name in wire form and longest label (RFC 1035 §2.3.4).
inline constexpr size_t kMaxNameWireLength = 255;
inline constexpr size_t kMaxLabelLength = 63;

// Splits an absolute presentation name ("a.b.", "." for the root) into raw
// label octets, resolving \X and \DDD escapes.  Returns an error message on
// an empty label, a label over 63 octets, a name over 255 octets, a bad
// escape, or a name without its trailing dot.
struct LabelsResult {
  std::vector<std::string> labels;
  std::string error;  // empty on success
};
LabelsResult split_labels(std::string_view absolute_name);

// Appends octet `c` as a master-file decimal escape, "\\DDD" (RFC 1035 §5.1).
void append_decimal_escape(std::string& out, unsigned char c);

// Appends one raw label in presentation form, escaping the characters that
// are special in master files (RFC 1035 §5.1) and non-printable octets.
void append_label_presentation(std::string& out, std::string_view raw_label);

// True when `name` equals `ancestor` or lies below it, label-wise and
// case-insensitively (RFC 4343).  Both absolute.
bool is_at_or_below(std::string_view name, std::string_view ancestor);

// The name with its first label removed ("a.b." → "b."); "." stays ".".
// Escaped dots inside a label are honoured.
std::string_view parent_name(std::string_view absolute_name);

// ASCII lower-casing for case-insensitive keys (RFC 4343).
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace siplab::dns
