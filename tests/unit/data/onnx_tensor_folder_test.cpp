#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>

#include "data/onnx_tensor_folder.h"
#include "data_test_util.h"

namespace qtune::data {
namespace {

using testing::expect_error;
using testing::TempDir;
using testing::write_bytes;

const std::string kTestData = "/usr/share/libonnx-testdata/data/node/";

TEST(DataOnnxTensorFolder, RealOnnxBackendTestData) {
  if (!std::filesystem::exists(kTestData + "test_abs")) GTEST_SKIP() << "libonnx-testdata is not installed";
  OnnxTensorFolderDataset ds(kTestData + "test_abs");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds.input_names(), std::vector<std::string>{"x"});
  EXPECT_TRUE(ds.inputs_have_batch_dim());
  Sample s = ds.get(0);
  ASSERT_EQ(s.inputs.size(), 1u);
  // Compare with the file parsed directly through the ONNX protobuf: float raw_data [3,4,5].
  onnx::TensorProto proto;
  ASSERT_TRUE(proto.ParseFromString(testing::read_bytes(kTestData + "test_abs/test_data_set_0/input_0.pb")));
  ASSERT_EQ(proto.data_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(s.inputs[0].describe(), "float32[3,4,5]");
  ASSERT_EQ(proto.raw_data().size(), 60u * 4u);
  EXPECT_EQ(std::memcmp(s.inputs[0].raw(), proto.raw_data().data(), 240), 0);

  OnnxTensorFolderDataset strings(kTestData + "test_strnormalizer_export_monday_casesensintive_lower");
  Tensor words = strings.get(0).inputs[0];
  EXPECT_EQ(words.dtype(), DataType::String);
  EXPECT_EQ(words.string_data()[0], "monday");
}

void write_proto(const std::string& path, const onnx::TensorProto& proto) { write_bytes(path, proto.SerializeAsString()); }

TEST(DataOnnxTensorFolder, TypedFieldsAndNumericSetOrder) {
  TempDir dir;
  // Sets 0, 2 and 10: numeric order, not "test_data_set_10" before "_2".
  for (int n : {10, 0, 2}) {
    std::string set = dir / ("test_data_set_" + std::to_string(n));
    onnx::TensorProto ids;
    ids.set_name("input_ids");
    ids.set_data_type(onnx::TensorProto::INT64);
    ids.add_dims(1), ids.add_dims(2);
    ids.add_int64_data(n), ids.add_int64_data(-5);
    onnx::TensorProto mask;
    mask.set_name("mask");
    mask.set_data_type(onnx::TensorProto::UINT8);
    mask.add_dims(1), mask.add_dims(2);
    mask.add_int32_data(255), mask.add_int32_data(n);
    std::filesystem::create_directories(set);
    write_proto(set + "/input_0.pb", ids);
    write_proto(set + "/input_1.pb", mask);
    write_bytes(set + "/output_0.pb", "outputs are not inputs");
  }
  OnnxTensorFolderDataset ds(dir.path());
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds.input_names(), (std::vector<std::string>{"input_ids", "mask"}));
  EXPECT_EQ(ds.get(0).inputs[0].data<int64_t>()[0], 0);
  EXPECT_EQ(ds.get(1).inputs[0].data<int64_t>()[0], 2);
  Sample last = ds.get(2);
  EXPECT_EQ(last.inputs[0].data<int64_t>()[0], 10);
  EXPECT_EQ(last.inputs[0].data<int64_t>()[1], -5);
  EXPECT_EQ(last.inputs[1].describe(), "uint8[1,2]");
  EXPECT_EQ(last.inputs[1].data<uint8_t>()[0], 255);
  EXPECT_EQ(last.inputs[1].data<uint8_t>()[1], 10);

  onnx::TensorProto d;
  d.set_data_type(onnx::TensorProto::DOUBLE);
  d.add_dims(2);
  d.add_double_data(0.25), d.add_double_data(-1e10);
  write_proto(dir / "d.pb", d);
  EXPECT_EQ(read_onnx_tensor_file(dir / "d.pb").data<double>()[1], -1e10);
  onnx::TensorProto u;
  u.set_data_type(onnx::TensorProto::UINT32);
  u.add_dims(1);
  u.add_uint64_data(4000000000u);
  write_proto(dir / "u.pb", u);
  EXPECT_EQ(read_onnx_tensor_file(dir / "u.pb").data<uint32_t>()[0], 4000000000u);
  onnx::TensorProto f;
  f.set_data_type(onnx::TensorProto::FLOAT);
  f.add_dims(3);
  f.add_float_data(1.0f);
  write_proto(dir / "f.pb", f);
  expect_error([&] { read_onnx_tensor_file(dir / "f.pb"); }, {dir / "f.pb", "float_data has 1 values, expected 3"});
  write_bytes(dir / "junk.pb", "\xff\xff\xff\xff");
  expect_error([&] { read_onnx_tensor_file(dir / "junk.pb"); }, {dir / "junk.pb", "not a valid serialized onnx.TensorProto"});
}

TEST(DataOnnxTensorFolder, InconsistentSetsAreNamed) {
  TempDir dir;
  onnx::TensorProto t;
  t.set_name("x");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(1);
  t.set_raw_data(std::string(4, '\0'));
  std::filesystem::create_directories(dir / "test_data_set_0");
  std::filesystem::create_directories(dir / "test_data_set_1");
  write_proto(dir / "test_data_set_0/input_0.pb", t);
  write_proto(dir / "test_data_set_0/input_1.pb", t);
  write_proto(dir / "test_data_set_1/input_0.pb", t);
  expect_error([&] { OnnxTensorFolderDataset(dir.path()); }, {dir / "test_data_set_1", "has 1 input files", "has 2"});
  write_proto(dir / "test_data_set_1/input_2.pb", t);
  expect_error([&] { OnnxTensorFolderDataset(dir.path()); }, {dir / "test_data_set_1", "input_1.pb is missing"});
}

}  // namespace
}  // namespace qtune::data
