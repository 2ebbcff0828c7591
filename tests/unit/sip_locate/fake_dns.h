// A tiny in-memory DNS for driving the locator in tests: answers questions
// from a record list the way an authoritative server would (CNAME chains,
// NODATA vs NXDOMAIN, optional additional-section records).
#pragma once

#include <string>
#include <vector>

#include "models/dns/resolver.h"
#include "models/sip/locate/locator.h"

namespace siplab::sip::locate::fake {

inline dns::ResourceRecord A(std::string name, uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return {std::move(name), dns::RrType::A, 300, dns::AData{{a, b, c, d}}};
}
inline dns::ResourceRecord AAAA(std::string name, std::array<uint8_t, 16> bytes) {
  return {std::move(name), dns::RrType::AAAA, 300, dns::AaaaData{bytes}};
}
inline dns::ResourceRecord SRV(std::string name, uint16_t prio, uint16_t weight, uint16_t port, std::string target) {
  return {std::move(name), dns::RrType::SRV, 300, dns::SrvData{prio, weight, port, std::move(target)}};
}
inline dns::ResourceRecord NAPTR(std::string name, uint16_t order, uint16_t pref, std::string services,
                                 std::string replacement, std::string flags = "s") {
  return {std::move(name), dns::RrType::NAPTR, 300,
          dns::NaptrData{order, pref, std::move(flags), std::move(services), "", std::move(replacement)}};
}
inline dns::ResourceRecord CNAME(std::string name, std::string target) {
  return {std::move(name), dns::RrType::CNAME, 300, dns::CnameData{std::move(target)}};
}
inline dns::ResourceRecord SOA(std::string name) {
  return {std::move(name), dns::RrType::SOA, 300, dns::SoaData{"ns." + name, "admin." + name, 1, 3600, 600, 86400, 60}};
}

struct FakeDns {
  std::vector<dns::ResourceRecord> records;
  bool include_additional = false;  // SRV/NAPTR answers carry target records
  bool follow_cname = true;         // answer the CNAME target's records too
  std::vector<DnsQuestion> asked;

  static bool below_or_at(std::string_view name, std::string_view domain) {
    if (dns::names_equal(name, domain)) return true;
    return name.size() > domain.size() && name[name.size() - domain.size() - 1] == '.' &&
           dns::names_equal(name.substr(name.size() - domain.size()), domain);
  }
  bool exists(std::string_view name) const {
    for (const auto& rr : records) {
      if (below_or_at(rr.name, name)) return true;
    }
    return false;
  }
  void add_matching(std::vector<dns::ResourceRecord>& out, std::string_view name, dns::RrType type) const {
    for (const auto& rr : records) {
      if (rr.type == type && dns::names_equal(rr.name, name)) out.push_back(rr);
    }
  }

  dns::LookupResult answer(const DnsQuestion& q) {
    asked.push_back(q);
    dns::LookupResult r;
    r.name = q.name;
    r.type = q.type;
    std::string name = q.name;
    for (int hop = 0; hop < 8; ++hop) {
      const size_t before = r.answers.size();
      add_matching(r.answers, name, q.type);
      if (r.answers.size() > before) {
        r.status = dns::LookupStatus::Ok;
        break;
      }
      std::vector<dns::ResourceRecord> cname;
      add_matching(cname, name, dns::RrType::CNAME);
      if (!cname.empty() && q.type != dns::RrType::CNAME) {
        r.answers.push_back(cname[0]);
        name = std::get<dns::CnameData>(cname[0].data).target;
        if (!follow_cname) {
          r.status = dns::LookupStatus::Ok;
          return r;
        }
        continue;
      }
      r.status = exists(name) ? (r.answers.empty() ? dns::LookupStatus::NoData : dns::LookupStatus::Ok)
                              : dns::LookupStatus::NxDomain;
      break;
    }
    if (include_additional) {
      for (size_t i = 0; i < r.answers.size(); ++i) {
        const auto& rr = r.answers[i];
        if (const auto* srv = std::get_if<dns::SrvData>(&rr.data)) {
          add_matching(r.additional, srv->target, dns::RrType::A);
          add_matching(r.additional, srv->target, dns::RrType::AAAA);
        } else if (const auto* naptr = std::get_if<dns::NaptrData>(&rr.data)) {
          std::vector<dns::ResourceRecord> srvs;
          add_matching(srvs, naptr->replacement, dns::RrType::SRV);
          for (const auto& s : srvs) {
            r.additional.push_back(s);
            const auto& target = std::get<dns::SrvData>(s.data).target;
            add_matching(r.additional, target, dns::RrType::A);
            add_matching(r.additional, target, dns::RrType::AAAA);
          }
        }
      }
    }
    return r;
  }

  // Drives `locator` to the end, answering every lookup it asks for.
  void drive(Locator& locator) {
    while (auto q = locator.poll_lookup()) locator.handle_lookup_result(answer(*q));
  }
};

}  // namespace siplab::sip::locate::fake
