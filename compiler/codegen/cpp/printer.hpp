// Printer: writes generated C++ with indentation and `$name$` templates, in the
// manner of protobuf's io::Printer. All generated text goes through one.
//
// Not thread-safe; one per generated file.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace taskc::codegen {

class Printer {
 public:
  using Vars = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Prints `text` (which may span lines) at the current indentation, with
  // each `$name$` replaced by its value. Every line ends with a newline.
  void print(std::string_view text, Vars vars = {});
  // Prints one line as it is (no substitution).
  void line(std::string_view text);
  // Prints text of several lines as it is, each at the current indentation.
  void lines(std::string_view text);
  void blank() { out_ += '\n'; }

  void indent() { ++depth_; }
  void outdent() { --depth_; }

  // Indents for its lifetime.
  class Indent {
   public:
    explicit Indent(Printer& printer) : printer_(printer) { printer_.indent(); }
    ~Indent() { printer_.outdent(); }
    Indent(const Indent&) = delete;
    Indent& operator=(const Indent&) = delete;

   private:
    Printer& printer_;
  };

  const std::string& text() const { return out_; }

 private:
  std::string out_;
  int depth_ = 0;
};

// `$name$` substitution alone, for building fragments.
std::string substitute(std::string_view text, Printer::Vars vars);

}  // namespace taskc::codegen
