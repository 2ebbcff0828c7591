#include "models/sip/locate/srv_order.h"

#include <algorithm>

namespace siplab::sip::locate {
namespace {

bool less_name(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) < lower(y);
  });
}

}  // namespace

std::vector<dns::SrvData> order_srv(std::vector<dns::SrvData> records, Random& random) {
  std::sort(records.begin(), records.end(), [](const dns::SrvData& a, const dns::SrvData& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if ((a.weight == 0) != (b.weight == 0)) return a.weight == 0;  // weight 0 first
    if (less_name(a.target, b.target)) return true;
    if (less_name(b.target, a.target)) return false;
    if (a.port != b.port) return a.port < b.port;
    return a.weight < b.weight;
  });
  std::vector<dns::SrvData> out;
  out.reserve(records.size());
  size_t begin = 0;
  while (begin < records.size()) {
    size_t end = begin;
    while (end < records.size() && records[end].priority == records[begin].priority) ++end;
    // Select among records[begin, end); the selected one is moved out by
    // rotating it to the front of the unordered range, which keeps the
    // remaining records in their arranged order.
    for (size_t next = begin; next < end; ++next) {
      size_t pick = next;
      if (end - next > 1) {
        uint64_t sum = 0;
        for (size_t i = next; i < end; ++i) sum += records[i].weight;
        const uint64_t r = random.below(sum + 1);  // uniform in [0, sum]
        uint64_t running = 0;
        for (size_t i = next; i < end; ++i) {
          running += records[i].weight;
          if (running >= r) {
            pick = i;
            break;
          }
        }
      }
      std::rotate(records.begin() + static_cast<std::ptrdiff_t>(next),
                  records.begin() + static_cast<std::ptrdiff_t>(pick),
                  records.begin() + static_cast<std::ptrdiff_t>(pick) + 1);
      out.push_back(std::move(records[next]));
    }
    begin = end;
  }
  return out;
}

}  // namespace siplab::sip::locate
