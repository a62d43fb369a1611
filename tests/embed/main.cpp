// Calls the flows of greetings.task from an ordinary C++ program: once through
// the blocking run_<flow> wrapper, once by awaiting the task in a coroutine.
// (std::endl: the .task side's print writes straight to stdout, unbuffered.)
#include <iostream>

#include "greetings.hpp"

taskrt::Task<std::string> first_greeting() {
  std::vector<std::string> lines = co_await greetings::greet_all({"ada"});
  co_return lines.at(0);
}

int main() {
  auto runtime = taskrt::Runtime::create();
  for (const std::string& line : greetings::run_greet_all(*runtime, {"grace", "linus"})) std::cout << line << std::endl;
  std::cout << runtime->run(first_greeting()) << std::endl;
  greetings::run_main(*runtime);
  return 0;
}
