// RFC 2782 ordering of SRV records: by priority, and within a priority by
// the weighted random selection the RFC specifies ("The format of the SRV
// RR", Weight).
#pragma once

#include <vector>

#include "models/common/random.h"
#include "models/dns/records.h"

namespace siplab::sip::locate {

// Returns the records in the order a client contacts them.  Within one
// priority, before selection, weight-0 records go first (as the RFC asks)
// and ties are broken by target name then port, so the order depends only on
// the records and the random draws, not on how DNS ordered the answer
// (RFC 3263 §4.4 asks for that determinism).  Each selection draws a uniform
// number in [0, sum of weights] inclusive and takes the first record whose
// running sum is >= it; with one record left no draw is made.  Note the
// RFC's inclusive range gives the first record in the list one extra chance
// in (sum + 1): weights 1 and 3 give probabilities 2/5 and 3/5.
std::vector<dns::SrvData> order_srv(std::vector<dns::SrvData> records, Random& random);

}  // namespace siplab::sip::locate
