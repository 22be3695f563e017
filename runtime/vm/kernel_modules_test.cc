#include "runtime/vm/kernel_modules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace synack::vm {
namespace {

namespace fs = std::filesystem;

std::string ModInfo(const std::string& depends) {
  return std::string("\x7f" "ELF...\0license=GPL\0depends=", 28) + depends +
         std::string("\0vermagic=6.1.0 SMP\0", 19);
}

TEST(KernelModulesTest, DependsFieldOfModinfo) {
  EXPECT_EQ(ModuleDepends(ModInfo("virtio,virtio_ring")),
            (std::vector<std::string>{"virtio", "virtio_ring"}));
  EXPECT_TRUE(ModuleDepends(ModInfo("")).empty());
  EXPECT_EQ(ModuleDepends(ModInfo("9pnet")), std::vector<std::string>{"9pnet"});
  EXPECT_EQ(ModuleName("kernel/drivers/net/virtio-net.ko.xz"), "virtio_net");
}

TEST(KernelModulesTest, LoadOrderPutsDependenciesFirstAndSkipsBuiltIns) {
  const fs::path dir =
      fs::temp_directory_path() / ("synack-modules-" + std::to_string(getpid()));
  fs::create_directories(dir / "kernel/net");
  auto write = [&](const std::string& name, const std::string& depends) {
    std::ofstream(dir / "kernel/net" / (name + ".ko"), std::ios::binary)
        << ModInfo(depends);
  };
  write("9pnet_virtio", "virtio,9pnet,virtio_ring");
  write("9pnet", "");
  write("virtio_ring", "virtio");
  write("tun", "");
  std::ofstream(dir / "modules.builtin") << "kernel/drivers/virtio/virtio.ko\n";
  ModuleTree tree(dir.string());
  std::vector<ModuleTree::Module> order;
  std::string error;
  ASSERT_TRUE(tree.LoadOrder({"9pnet_virtio", "tun", "virtio"},
                             {"sch_netem"}, &order, &error))
      << error;
  std::vector<std::string> names;
  for (const auto& module : order) names.push_back(module.name);
  EXPECT_EQ(names, (std::vector<std::string>{"9pnet", "virtio_ring",
                                             "9pnet_virtio", "tun"}));
  order.clear();
  EXPECT_FALSE(tree.LoadOrder({"overlay"}, {}, &order, &error));
  EXPECT_NE(error.find("no module overlay"), std::string::npos) << error;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace synack::vm
