#include "compiler/driver/program_loader.hpp"

#include <fmt/format.h>
#include <filesystem>
#include <map>
#include <vector>

#include "compiler/parse/parse.hpp"

namespace taskc::driver {
namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  Loader(source::SourceMap& sources, diag::DiagnosticSink& sink, LoadedProgram& program)
      : sources_(sources), sink_(sink), program_(program) {}

  void load_root(const std::string& path) {
    std::string error;
    const source::SourceFile* file = sources_.load(path, error);
    if (file == nullptr) {
      program_.fatal_error = error;
      return;
    }
    visit(*file, key(path));
  }

 private:
  static std::string key(const std::string& path) {
    std::error_code ignored;
    fs::path canonical = fs::weakly_canonical(path, ignored);
    return canonical.empty() ? fs::path(path).lexically_normal().string() : canonical.string();
  }

  void visit(const source::SourceFile& file, const std::string& file_key) {
    state_[file_key] = State::kInProgress;
    stack_.push_back(file.path());
    program_.modules.push_back(parse::parse(file, sink_));
    // Copy what we need: pushing more modules never moves this one (deque),
    // but keep the loop independent of that anyway.
    std::vector<std::pair<std::string, source::Span>> uses;
    for (const ast::Item& item : program_.modules.back().items) {
      if (item.kind == ast::ItemKind::kUse) uses.emplace_back(item.name, item.span);
    }
    fs::path directory = fs::path(file.path()).parent_path();
    for (const auto& [relative, span] : uses) {
      std::string path = (directory / relative).lexically_normal().string();
      std::string used_key = key(path);
      auto state = state_.find(used_key);
      if (state != state_.end() && state->second == State::kDone) continue;
      if (state != state_.end()) {
        std::string chain;
        bool in_cycle = false;
        for (const std::string& step : stack_) {
          if (key(step) == used_key) in_cycle = true;
          if (in_cycle) chain += "`" + step + "` uses ";
        }
        sink_.error(diag::Code::kUseCycle, span, fmt::format("`use \"{}\"` makes a cycle", relative))
            .with_label("leads back to a file that is still being loaded")
            .note(chain + "`" + path + "`")
            .help("move the items both files need into a third file that both `use`");
        continue;
      }
      std::string error;
      const source::SourceFile* used = sources_.load(path, error);
      if (used == nullptr) {
        sink_.error(diag::Code::kUseNotFound, span, fmt::format("cannot use \"{}\"", relative))
            .with_label(error)
            .note(fmt::format("paths in `use` are relative to the directory of `{}`", file.path()));
        state_[used_key] = State::kDone;
        program_.complete = false;
        continue;
      }
      visit(*used, used_key);
    }
    stack_.pop_back();
    state_[file_key] = State::kDone;
  }

  enum class State { kInProgress, kDone };

  source::SourceMap& sources_;
  diag::DiagnosticSink& sink_;
  LoadedProgram& program_;
  std::map<std::string, State> state_;
  std::vector<std::string> stack_;
};

}  // namespace

LoadedProgram load_program(const std::string& root_path, source::SourceMap& sources, diag::DiagnosticSink& sink) {
  LoadedProgram program;
  Loader(sources, sink, program).load_root(root_path);
  return program;
}

}  // namespace taskc::driver
