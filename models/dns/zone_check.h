// `siplab zone check FILE`, as a function so it is testable without the
// command front end.
#pragma once

#include <ostream>
#include <string>

namespace siplab::dns {

// Parses the zone file at `path`.  On success prints every record in
// canonical presentation form, one a line, to `out` and returns 0.  On parse
// errors prints each as "file:line:col: error: message" to `err` and returns
// 1; when the file cannot be read, prints "path: error: cannot read file"
// and returns 2.
int check_zone_file(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace siplab::dns
