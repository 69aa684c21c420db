// A benchmark worker: a child process that loads one model in one runtime and answers a
// line protocol on stdin/stdout. Measuring every model (qtune's or a peer runtime's such as
// ONNX Runtime) in its own process gives each its own peak RSS and lets --instances pin
// concurrent copies to their own cores; the parent alternates between workers so that
// ratios hold on a noisy machine.
//
// Protocol (one line each way):
//   worker -> "ready <runtime label>"           once, after loading the model
//   "run <k>"  -> "ms <t1> ... <tk>"            k timed runs, milliseconds each
//   "rss"      -> "rss <bytes>"                 peak resident set size so far
//   "quit"     -> (exits)
//   any failure -> "error <message>" and exit status 1
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace qtune::bench {

class WorkerProcess {
 public:
  // Starts argv[0] with argv; `cpus` (may be empty) pins the child to those cores.
  WorkerProcess(const std::vector<std::string>& argv, const std::vector<int>& cpus);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Waits for "ready"; returns the runtime label. Throws with the worker's error line.
  std::string wait_ready();
  void send(const std::string& line);
  // Reads one reply line; throws if the worker reported an error or died.
  std::string receive();
  std::vector<double> parse_times(const std::string& reply) const;
  const std::string& command() const { return command_; }

 private:
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
  std::string command_;
};

// The worker side: answers the protocol, timing `run_once` (which runs the model once).
// Returns the process exit status.
int serve_worker(const std::string& label, const std::function<void()>& run_once);

// Peak resident set size of this process (VmHWM), in bytes; 0 if unknown.
int64_t peak_rss_bytes();

}  // namespace qtune::bench
