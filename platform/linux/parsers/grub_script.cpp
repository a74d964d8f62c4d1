// GRUB script lexing: quotes, escapes, comments, variable expansion with field splitting.
#include "parsers/grub_script.h"

#include <cctype>
#include <cstring>

namespace guestprep::os_linux {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool isNameChar(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

// GRUB script lexer. Newlines and `;` separate commands; a backslash-newline continues the line.
class GrubLexer {
 public:
  GrubLexer(std::string_view s, const GrubVars& vars, std::vector<ConfigProblem>* problems)
      : s_(s), vars_(vars), problems_(problems) {}

  std::vector<GrubToken> run() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') {
        separator();
        ++line_;
        ++i_;
      } else if (isBlank(c)) {
        flush();
        ++i_;
      } else if (c == ';') {
        separator();
        ++i_;
      } else if (c == '#' && !have_) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '\\') {
        escape();
      } else if (c == '\'') {
        singleQuoted();
      } else if (c == '"') {
        doubleQuoted();
      } else if (c == '$') {
        expand(/*quoted=*/false);
      } else {
        start();
        cur_ += c;
        ++i_;
      }
    }
    flush();
    return std::move(out_);
  }

 private:
  void start() {
    if (!have_) {
      have_ = true;
      word_line_ = line_;
    }
  }
  void flush() {
    if (have_) out_.push_back({false, std::move(cur_), word_line_, plain_});
    cur_.clear();
    have_ = false;
    plain_ = true;
  }
  void separator() {
    flush();
    out_.push_back({true, "", line_, false});
  }
  void problem(int line, std::string message) {
    if (problems_) problems_->push_back({"", line, std::move(message)});
  }

  void escape() {
    if (i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
      i_ += 2;
      ++line_;
      return;
    }
    start();
    plain_ = false;
    if (i_ + 1 < s_.size()) cur_ += s_[i_ + 1];
    i_ += 2;
  }

  void singleQuoted() {
    start();
    plain_ = false;
    int open_line = line_;
    std::size_t close = s_.find('\'', i_ + 1);
    std::size_t end = close == std::string_view::npos ? s_.size() : close;
    for (std::size_t k = i_ + 1; k < end; ++k) {
      if (s_[k] == '\n') ++line_;
      cur_ += s_[k];
    }
    if (close == std::string_view::npos) problem(open_line, "unterminated single quote");
    i_ = end + 1;
  }

  void doubleQuoted() {
    start();
    plain_ = false;
    int open_line = line_;
    ++i_;
    while (i_ < s_.size()) {
      char d = s_[i_];
      if (d == '"') {
        ++i_;
        return;
      }
      if (d == '\\' && i_ + 1 < s_.size() && std::strchr("\\\"$\n", s_[i_ + 1])) {
        if (s_[i_ + 1] == '\n') {
          ++line_;
        } else {
          cur_ += s_[i_ + 1];
        }
        i_ += 2;
        continue;
      }
      if (d == '$') {
        expand(/*quoted=*/true);
        continue;
      }
      if (d == '\n') ++line_;
      cur_ += d;
      ++i_;
    }
    problem(open_line, "unterminated double quote");
  }

  // At a `$`: a defined variable is substituted (split into words when unquoted); an undefined
  // one is kept as written, since its value depends on script flow we do not run.
  void expand(bool quoted) {
    std::size_t j = i_ + 1;
    std::string_view name;
    std::size_t end = j;
    if (j < s_.size() && s_[j] == '{') {
      std::size_t close = s_.find('}', j);
      if (close == std::string_view::npos) {
        start();
        cur_ += '$';
        ++i_;
        return;
      }
      name = s_.substr(j + 1, close - j - 1);
      end = close + 1;
    } else {
      while (end < s_.size() && isNameChar(s_[end])) ++end;
      if (end == j && end < s_.size() && std::strchr("?#*@", s_[end])) ++end;
      name = s_.substr(j, end - j);
    }
    if (name.empty()) {
      start();
      cur_ += '$';
      ++i_;
      return;
    }
    std::string_view written = s_.substr(i_, end - i_);
    i_ = end;
    auto it = vars_.find(name);
    if (it == vars_.end() || quoted) {
      start();
      plain_ = false;
      cur_ += it == vars_.end() ? std::string(written) : it->second;
      return;
    }
    const std::string& v = it->second;
    std::size_t p = 0;
    while (p < v.size()) {
      if (isBlank(v[p]) || v[p] == '\n') {
        flush();
        while (p < v.size() && (isBlank(v[p]) || v[p] == '\n')) ++p;
        continue;
      }
      start();
      plain_ = false;
      while (p < v.size() && !isBlank(v[p]) && v[p] != '\n') cur_ += v[p++];
    }
  }

  std::string_view s_;
  const GrubVars& vars_;
  std::vector<ConfigProblem>* problems_;
  std::vector<GrubToken> out_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::string cur_;
  bool have_ = false;
  bool plain_ = true;
  int word_line_ = 0;
};

}  // namespace

std::vector<GrubToken> lexGrubScript(std::string_view text, const GrubVars& vars,
                                     std::vector<ConfigProblem>* problems) {
  return GrubLexer(text, vars, problems).run();
}

}  // namespace guestprep::os_linux
