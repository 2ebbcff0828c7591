// Bridge from the SIP message library's Uri to the locator's LocateRequest.
// Kept in its own library (siplab_sip_locate_uri) so the locator core does
// not depend on the SIP message library.
#pragma once

#include <optional>
#include <string>

#include "models/sip/locate/locate_types.h"
#include "models/sip/message/uri.h"

namespace siplab::sip::locate {

// nullopt (with `*error` set when given) for non-SIP schemes and for
// parameters that cannot be unescaped.
std::optional<LocateRequest> to_locate_request(const sip::Uri& uri, std::string* error = nullptr);

}  // namespace siplab::sip::locate
