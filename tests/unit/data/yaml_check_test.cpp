#include "config/yaml_check.h"

#include <gtest/gtest.h>

#include "data_test_util.h"

namespace qtune::config {
namespace {

using data::testing::expect_error;

TEST(DataYamlCheck, EditDistanceCountsInsertDeleteSubstitute) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("root", "root"), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("rot", "root"), 1u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(DataYamlCheck, ClosestMatchIgnoresCaseAndFarWords) {
  std::vector<std::string> allowed = {"root", "list", "color", "num_classes"};
  EXPECT_EQ(closest_match("rooot", allowed), "root");
  EXPECT_EQ(closest_match("Colour", allowed), "color");
  EXPECT_EQ(closest_match("numclasses", allowed), "num_classes");
  EXPECT_EQ(closest_match("batch_size", allowed), "");  // nothing plausible
}

TEST(DataYamlCheck, UnknownKeySuggestsClosestAndListsAllowed) {
  YAML::Node node = YAML::Load("{root: /data, colr: RGB}");
  expect_error([&] { check_keys(node, "evaluation.dataloader.dataset.ImageFolder", {"root", "list", "color"}); },
               {"evaluation.dataloader.dataset.ImageFolder.colr: unknown key", "did you mean 'color'?",
                "allowed: root, list, color"});
}

TEST(DataYamlCheck, TypedGettersNameThePathAndTheBadValue) {
  YAML::Node node = YAML::Load("{batch_size: eight, mean: [0.5, x], color: RGBA, flag: maybe}");
  expect_error([&] { get_int(node, "batch_size", "q.dataloader"); }, {"q.dataloader.batch_size", "expected an integer", "'eight'"});
  expect_error([&] { get_doubles(node, "mean", "t.Normalize"); }, {"t.Normalize.mean[1]", "expected numbers", "'x'"});
  expect_error([&] { get_choice(node, "color", "d.ImageFolder", {"gray", "RGB", "BGR"}, "RGB"); },
               {"d.ImageFolder.color", "'RGBA' is not allowed", "gray, RGB, BGR", "did you mean 'RGB'"});
  expect_error([&] { get_bool(node, "flag", "x", false); }, {"x.flag", "true or false", "'maybe'"});
  expect_error([&] { get_string(node, "root", "d.ImageFolder"); }, {"d.ImageFolder.root: missing required key"});
  EXPECT_EQ(get_int(node, "absent", "p", 7), 7);
  EXPECT_EQ(get_doubles(YAML::Load("{m: 0.5}"), "m", "p"), std::vector<double>{0.5});  // scalar as one-element list
}

TEST(DataYamlCheck, SingleKeyPicksTheTypeAndRejectsTypos) {
  auto [type, options] = single_key(YAML::Load("{ImageFolder: {root: /x}}"), "e.dataset", {"ImageFolder", "Dummy"}, "dataset type");
  EXPECT_EQ(type, "ImageFolder");
  EXPECT_EQ(options["root"].Scalar(), "/x");
  expect_error([] { single_key(YAML::Load("{ImageFoldr: {}}"), "e.dataset", {"ImageFolder", "Dummy"}, "dataset type"); },
               {"e.dataset: unknown dataset type 'ImageFoldr'", "did you mean 'ImageFolder'?"});
  expect_error([] { single_key(YAML::Load("{ImageFolder: {}, Dummy: {}}"), "e.dataset", {"ImageFolder", "Dummy"}, "dataset type"); },
               {"e.dataset: expected a map with exactly one key", "2 keys"});
}

}  // namespace
}  // namespace qtune::config
