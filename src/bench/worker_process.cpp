#include "bench/worker_process.h"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "qtune/error.h"

namespace qtune::bench {
namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

WorkerProcess::WorkerProcess(const std::vector<std::string>& argv, const std::vector<int>& cpus)
    : command_(join(argv)) {
  // A worker that dies must surface as an error from receive(), not kill us on write.
  signal(SIGPIPE, SIG_IGN);
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) throw Error("benchmark: cannot create pipes for " + command_);
  pid_ = fork();
  if (pid_ < 0) throw Error("benchmark: cannot start " + command_);
  if (pid_ == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    close(to_child[0]), close(to_child[1]), close(from_child[0]), close(from_child[1]);
    if (!cpus.empty()) {
      cpu_set_t set;
      CPU_ZERO(&set);
      for (int c : cpus) CPU_SET(c, &set);
      sched_setaffinity(0, sizeof(set), &set);  // inherited across exec
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::printf("error cannot execute %s\n", argv[0].c_str());
    std::fflush(stdout);
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  to_ = fdopen(to_child[1], "w");
  from_ = fdopen(from_child[0], "r");
}

WorkerProcess::~WorkerProcess() {
  if (to_) {
    std::fputs("quit\n", to_);
    std::fclose(to_);
  }
  if (from_) std::fclose(from_);
  if (pid_ > 0) {
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

void WorkerProcess::send(const std::string& line) {
  if (std::fputs((line + "\n").c_str(), to_) < 0 || std::fflush(to_) != 0)
    throw Error("benchmark: worker '" + command_ + "' stopped accepting commands");
}

std::string WorkerProcess::receive() {
  std::string line;
  int c;
  while ((c = std::fgetc(from_)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
  if (c == EOF && line.empty()) throw Error("benchmark: worker '" + command_ + "' exited unexpectedly");
  if (line.rfind("error ", 0) == 0) throw Error("benchmark: " + line.substr(6));
  return line;
}

std::string WorkerProcess::wait_ready() {
  std::string line = receive();
  if (line.rfind("ready", 0) != 0)
    throw Error("benchmark: worker '" + command_ + "' said '" + line + "', expected 'ready'");
  return line.size() > 6 ? line.substr(6) : "?";
}

std::vector<double> WorkerProcess::parse_times(const std::string& reply) const {
  std::istringstream in(reply);
  std::string word;
  in >> word;
  if (word != "ms") throw Error("benchmark: worker '" + command_ + "' replied '" + reply + "', expected 'ms ...'");
  std::vector<double> times;
  for (double t; in >> t;) times.push_back(t);
  return times;
}

int64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      int64_t kb = 0;
      status >> kb;
      return kb * 1024;
    }
    status.ignore(1 << 20, '\n');
  }
  return 0;
}

int serve_worker(const std::string& label, const std::function<void()>& run_once) {
  std::cout << "ready " << label << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    try {
      if (cmd == "run") {
        int k = 1;
        in >> k;
        std::ostringstream reply;
        reply << "ms";
        for (int i = 0; i < k; ++i) {
          auto t0 = std::chrono::steady_clock::now();
          run_once();
          auto t1 = std::chrono::steady_clock::now();
          reply << ' ' << std::chrono::duration<double, std::milli>(t1 - t0).count();
        }
        std::cout << reply.str() << std::endl;
      } else if (cmd == "rss") {
        std::cout << "rss " << peak_rss_bytes() << std::endl;
      } else if (cmd == "quit") {
        return 0;
      } else {
        std::cout << "error unknown worker command '" << cmd << "'" << std::endl;
        return 1;
      }
    } catch (const std::exception& e) {
      std::cout << "error " << e.what() << std::endl;
      return 1;
    }
  }
  return 0;
}

}  // namespace qtune::bench
