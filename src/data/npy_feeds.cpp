#include "data/npy_feeds.h"

#include "data/npy.h"
#include "qtune/error.h"

namespace qtune::data {

std::map<std::string, Tensor> read_npy_feeds(const std::vector<std::string>& args,
                                             const std::vector<const ir::Value*>& model_inputs) {
  std::map<std::string, Tensor> feeds;
  for (const auto& arg : args) {
    auto eq = arg.find('=');
    std::string name, path;
    if (eq == std::string::npos) {
      if (model_inputs.size() != 1)
        throw Error("--input " + arg + ": the model has " + std::to_string(model_inputs.size()) +
                    " inputs; name each one as NAME=FILE.npy");
      name = model_inputs[0]->name();
      path = arg;
    } else {
      name = arg.substr(0, eq);
      path = arg.substr(eq + 1);
    }
    if (feeds.count(name)) throw Error("--input " + arg + ": input '" + name + "' is given twice");
    feeds[name] = read_npy(path);
  }
  return feeds;
}

}  // namespace qtune::data
