// ONNX NonMaxSuppression: per batch and class, greedily keeps the highest-scoring boxes
// whose IoU with every kept box is <= iou_threshold, among boxes scoring strictly above
// score_threshold, at most max_output_boxes_per_class each. Output rows are
// [batch, class, box] in batch, class, then descending-score order (equal scores: lower
// box index first; NaN scores are never selected). Boxes are [y1, x1, y2, x2] with corners in any order, or
// [x_center, y_center, width, height] with center_point_box=1.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "ops/op_helpers.h"

namespace qtune::ops {
namespace {

std::vector<TensorInfo> infer_non_max_suppression(const ir::Node& node, std::span<const TensorInfo> inputs) {
  expect_input_count(node, inputs, 2, 5);
  expect_type(node, inputs, 0, {DataType::Float32});
  expect_type(node, inputs, 1, {DataType::Float32});
  if (is_present(inputs, 2)) expect_type(node, inputs, 2, {DataType::Int64});
  if (is_present(inputs, 3)) expect_type(node, inputs, 3, {DataType::Float32});
  if (is_present(inputs, 4)) expect_type(node, inputs, 4, {DataType::Float32});
  const int64_t cpb = node.attr_int("center_point_box", 0);
  if (cpb != 0 && cpb != 1) fail(node, "attribute 'center_point_box' is " + std::to_string(cpb) + ", expected 0 or 1");
  const ir::Shape& boxes = inputs[0].shape;
  const ir::Shape& scores = inputs[1].shape;
  if (boxes.has_rank() && (boxes.rank() != 3 || ((*boxes.dims)[2].is_known() && (*boxes.dims)[2].value != 4)))
    fail(node, "boxes has shape " + boxes.to_string() + ", expected [batches, boxes, 4]");
  if (scores.has_rank() && scores.rank() != 3)
    fail(node, "scores has shape " + scores.to_string() + ", expected [batches, classes, boxes]");
  if (boxes.has_rank() && scores.has_rank())
    for (auto [bi, si, what] : {std::tuple{0, 0, "batch"}, std::tuple{1, 2, "box"}}) {
      const ir::Dim& b = (*boxes.dims)[static_cast<size_t>(bi)];
      const ir::Dim& s = (*scores.dims)[static_cast<size_t>(si)];
      if (b.is_known() && s.is_known() && b.value != s.value)
        fail(node, std::string("boxes ") + boxes.to_string() + " and scores " + scores.to_string() + " disagree on the " +
                       what + " count");
    }
  return single_output(DataType::Int64, ir::Shape{std::vector<ir::Dim>{ir::Dim{}, ir::Dim::known(3)}});
}

struct Box {
  float y1, x1, y2, x2;
  float area() const { return (y2 - y1) * (x2 - x1); }
};

float iou(const Box& a, const Box& b) {
  const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  if (ih <= 0 || iw <= 0) return 0;
  const float inter = ih * iw;
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0;
}

class NonMaxSuppressionKernel final : public Kernel {
 public:
  explicit NonMaxSuppressionKernel(const ir::Node& node)
      : node_(node), center_(node.attr_int("center_point_box", 0) != 0) {}

  void run(std::span<const Tensor> in, std::span<Tensor> out, KernelContext& ctx) override {
    std::vector<TensorInfo> infos;
    for (const Tensor& t : in) infos.push_back(t.defined() ? TensorInfo::of(t) : TensorInfo::absent());
    infer_non_max_suppression(node_, infos);
    auto scalar = [&](size_t i, const char* what) -> const Tensor* {
      if (in.size() <= i || !in[i].defined() || in[i].numel() == 0) return nullptr;
      if (in[i].numel() != 1) fail(node_, std::string(what) + " has " + std::to_string(in[i].numel()) + " elements, expected 1");
      return &in[i];
    };
    const Tensor* max_t = scalar(2, "max_output_boxes_per_class");
    const Tensor* iou_t = scalar(3, "iou_threshold");
    const Tensor* score_t = scalar(4, "score_threshold");
    const int64_t max_out = max_t ? max_t->data<int64_t>()[0] : 0;
    const float iou_threshold = iou_t ? iou_t->data<float>()[0] : 0.0f;
    if (!(iou_threshold >= 0 && iou_threshold <= 1))
      fail(node_, "iou_threshold is " + std::to_string(iou_threshold) + ", expected a value in [0, 1]");
    const Tensor& boxes = in[0];
    const Tensor& scores = in[1];
    const int64_t batches = boxes.dim(0), n = boxes.dim(1), classes = scores.dim(1);
    std::vector<int64_t> selected;  // flattened [batch, class, box] rows
    const float* pb = boxes.data<float>();
    const float* ps = scores.data<float>();
    for (int64_t b = 0; b < batches && max_out > 0; ++b) {
      std::vector<Box> bx(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) bx[static_cast<size_t>(i)] = make_box(pb + (b * n + i) * 4);
      for (int64_t c = 0; c < classes; ++c) {
        const float* s = ps + (b * classes + c) * n;
        std::vector<int64_t> cand;
        for (int64_t i = 0; i < n; ++i)
          if (!std::isnan(s[i]) && (!score_t || s[i] > score_t->data<float>()[0])) cand.push_back(i);
        std::stable_sort(cand.begin(), cand.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
        std::vector<int64_t> kept;
        for (int64_t i : cand) {
          if (static_cast<int64_t>(kept.size()) >= max_out) break;
          bool suppressed = false;
          for (int64_t k : kept)
            if (iou(bx[static_cast<size_t>(i)], bx[static_cast<size_t>(k)]) > iou_threshold) {
              suppressed = true;
              break;
            }
          if (!suppressed) kept.push_back(i);
        }
        for (int64_t k : kept) selected.insert(selected.end(), {b, c, k});
      }
    }
    const int64_t rows = static_cast<int64_t>(selected.size() / 3);
    out[0] = ctx.allocate(0, DataType::Int64, {rows, 3});
    std::copy(selected.begin(), selected.end(), out[0].data<int64_t>());
  }

 private:
  Box make_box(const float* p) const {
    if (center_)
      return Box{p[1] - p[3] / 2, p[0] - p[2] / 2, p[1] + p[3] / 2, p[0] + p[2] / 2};
    return Box{std::min(p[0], p[2]), std::min(p[1], p[3]), std::max(p[0], p[2]), std::max(p[1], p[3])};
  }

  const ir::Node& node_;
  bool center_;
};

std::unique_ptr<Kernel> make_non_max_suppression_kernel(const ir::Node& node) {
  return std::make_unique<NonMaxSuppressionKernel>(node);
}

}  // namespace

const OpSpec& non_max_suppression_op() {
  static const OpSpec spec{"", "NonMaxSuppression", infer_non_max_suppression, make_non_max_suppression_kernel};
  return spec;
}

}  // namespace qtune::ops
