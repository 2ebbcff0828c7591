// Splits master-file text into entries (RFC 1035 §5.1): one entry per line,
// except that parentheses continue an entry across lines; ';' starts a
// comment; quoted strings may contain blanks; '\' escapes the next octet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace siplab::dns {

struct ZoneToken {
  std::string text;  // escapes kept as written, quotes removed
  int line = 0;
  int column = 0;
  int width = 0;     // octets in the source, quotes included
  bool quoted = false;
};

struct ZoneEntry {
  std::vector<ZoneToken> tokens;
  bool owner_omitted = false;  // the entry's line starts with a blank
  int end_line = 0;            // just past the last token, for "missing X"
  int end_column = 0;
};

struct LexError {
  int line = 0;
  int column = 0;
  std::string message;
};

class ZoneLexer {
 public:
  explicit ZoneLexer(std::string_view text) : text_(text) {}

  // Reads the next non-empty entry.  Returns false at the end of the text.
  // On a syntax error, sets `error` (message non-empty), returns true with
  // the entry discarded, and resumes at the next line.
  bool next(ZoneEntry& entry, LexError& error);

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void advance();
  void skip_to_line_end();

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace siplab::dns
