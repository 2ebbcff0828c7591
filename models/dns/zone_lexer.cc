#include "models/dns/zone_lexer.h"

namespace siplab::dns {

void ZoneLexer::advance() {
  if (text_[pos_] == '\n') {
    ++line_;
    column_ = 1;
  } else {
    ++column_;
  }
  ++pos_;
}

void ZoneLexer::skip_to_line_end() {
  while (pos_ < text_.size() && text_[pos_] != '\n') advance();
}

bool ZoneLexer::next(ZoneEntry& entry, LexError& error) {
  entry.tokens.clear();
  entry.owner_omitted = false;
  error.message.clear();
  int paren_line = 0, paren_column = 0;  // where the open '(' is, 0 if none
  bool at_line_start = true;

  auto fail = [&](int line, int column, std::string message) {
    error = LexError{line, column, std::move(message)};
    entry.tokens.clear();
    skip_to_line_end();
    return true;
  };

  while (pos_ < text_.size()) {
    char c = peek();
    if (c == '\n') {
      if (paren_line == 0 && !entry.tokens.empty()) {
        advance();
        return true;
      }
      advance();
      at_line_start = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      // A blank at the start of an entry's first line means "same owner".
      if (at_line_start && paren_line == 0 && entry.tokens.empty()) entry.owner_omitted = true;
      at_line_start = false;
      advance();
      continue;
    }
    if (at_line_start && paren_line == 0 && entry.tokens.empty()) entry.owner_omitted = false;
    at_line_start = false;
    if (c == ';') {
      skip_to_line_end();
      continue;
    }
    if (c == '(') {
      if (paren_line != 0) return fail(line_, column_, "nested '('");
      paren_line = line_;
      paren_column = column_;
      advance();
      continue;
    }
    if (c == ')') {
      if (paren_line == 0) return fail(line_, column_, "')' without '('");
      paren_line = 0;
      advance();
      continue;
    }
    ZoneToken token;
    token.line = line_;
    token.column = column_;
    if (c == '"') {
      token.quoted = true;
      advance();
      bool closed = false;
      while (pos_ < text_.size() && peek() != '\n') {
        char q = peek();
        if (q == '"') {
          advance();
          closed = true;
          break;
        }
        // RFC 1035 §5.1: \X is X for any X but a digit, a newline too:
        // the string goes on on the next line (BIND reads "a\<newline>b"
        // as "a\010b").
        if (q == '\\' && pos_ + 1 < text_.size()) {
          token.text.push_back(q);
          advance();
          q = peek();
        }
        token.text.push_back(q);
        advance();
      }
      if (!closed) return fail(token.line, token.column, "unterminated quoted string");
    } else {
      while (pos_ < text_.size()) {
        char u = peek();
        if (u == ' ' || u == '\t' || u == '\r' || u == '\n' || u == ';' || u == '(' || u == ')' || u == '"') break;
        if (u == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n') {
          token.text.push_back(u);
          advance();
          u = peek();
        }
        token.text.push_back(u);
        advance();
      }
    }
    token.width = column_ - token.column;
    entry.end_line = line_;
    entry.end_column = column_;
    entry.tokens.push_back(std::move(token));
  }
  if (paren_line != 0) {
    error = LexError{paren_line, paren_column, "'(' not closed before the end of the file"};
    entry.tokens.clear();
    return true;
  }
  return !entry.tokens.empty();
}

}  // namespace siplab::dns
