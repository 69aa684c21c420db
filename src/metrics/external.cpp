#include "metrics/external.h"

#include <sys/wait.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "qtune/error.h"

namespace qtune::metrics {
namespace {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

bool parse_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && std::isfinite(value);
}

std::string trim(const std::string& s) {
  const char* space = " \t\r\n\f\v";
  const size_t a = s.find_first_not_of(space);
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(space) - a + 1);
}

}  // namespace

std::string external_command_line(const std::string& command, const std::string& model_path) {
  std::string out;
  const std::string placeholder = "{model}";
  size_t start = 0;
  for (size_t at; (at = command.find(placeholder, start)) != std::string::npos; start = at + placeholder.size())
    out += command.substr(start, at - start) + shell_quote(model_path);
  return out + command.substr(start);
}

double parse_external_output(const std::string& stdout_text, const std::string& command) {
  std::string last;
  size_t start = 0;
  while (start <= stdout_text.size()) {
    size_t end = stdout_text.find('\n', start);
    if (end == std::string::npos) end = stdout_text.size();
    std::string line = trim(stdout_text.substr(start, end - start));
    if (!line.empty()) last = line;
    start = end + 1;
  }
  double value = 0;
  if (parse_number(last, value)) return value;
  const size_t token_start = last.find_last_of(" \t");
  if (token_start != std::string::npos && parse_number(last.substr(token_start + 1), value)) return value;
  throw Error("External: command `" + command + "` printed no number on its last line (" +
              (last.empty() ? std::string("it printed nothing") : "'" + last + "'") + ")");
}

void ExternalMetric::update(const std::vector<Tensor>&, const std::vector<data::Annotation>&) {
  throw Error("External: the command scores a model file; it does not take model outputs");
}

void ExternalMetric::score_model_file(const std::string& model_path) {
  const std::string line = external_command_line(command_, model_path);
  std::fflush(nullptr);
  FILE* pipe = popen(line.c_str(), "r");
  if (!pipe) throw Error("External: cannot run `" + line + "`: " + std::strerror(errno));
  std::string output;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = pclose(pipe);
  value_.reset();
  std::optional<double> parsed;
  std::string parse_error;
  try {
    parsed = parse_external_output(output, line);
  } catch (const Error& e) {
    parse_error = e.what();
  }
  if (status != 0) {
    const std::string how = WIFEXITED(status)     ? "exited with status " + std::to_string(WEXITSTATUS(status))
                            : WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                                  : "failed";
    std::string tail = trim(output);
    if (const size_t nl = tail.find_last_of('\n'); nl != std::string::npos) tail = trim(tail.substr(nl + 1));
    throw Error("External: command `" + line + "` " + how + (tail.empty() ? "" : " (last line: '" + tail + "')"));
  }
  if (!parsed) throw Error(parse_error);
  value_ = parsed;
  last_model_ = model_path;
}

double ExternalMetric::result() const {
  if (!value_) throw Error("External: no model was scored");
  return *value_;
}

nlohmann::json ExternalMetric::to_json() const {
  nlohmann::json j = Metric::to_json();
  j["command"] = command_;
  j["model"] = last_model_;
  return j;
}

}  // namespace qtune::metrics
