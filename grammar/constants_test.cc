// The constants table: values of each kind (hand entries, generated from a
// header's macros, generated from a header's enums, hand entries for names no
// header has), and every name packetdrill's symbols_linux.c knows.
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grammar/checker.h"
#include "grammar/header_constants.h"
#include "grammar/known_names.h"

namespace synack::grammar {
namespace {

TEST(ConstantsTest, MacrosComeFromTheHeaders) {
  EXPECT_EQ(CAP_NET_ADMIN, LookupConstant("CAP_NET_ADMIN"));
  EXPECT_EQ(12, LookupConstant("CAP_NET_ADMIN"));  // linux/capability.h
  EXPECT_EQ(LOCK_EX, LookupConstant("LOCK_EX"));
  EXPECT_EQ(SEEK_END, LookupConstant("SEEK_END"));
  EXPECT_EQ(F_SETLKW, LookupConstant("F_SETLKW"));
  EXPECT_EQ(SPLICE_F_MORE, LookupConstant("SPLICE_F_MORE"));
  EXPECT_EQ(POLLREMOVE, LookupConstant("POLLREMOVE"));
  EXPECT_EQ(54, LookupConstant("SCM_TIMESTAMPING_OPT_STATS"));
  EXPECT_EQ(0x200, LookupConstant("MSG_FIN"));
  EXPECT_EQ(0x40000000, LookupConstant("MSG_CMSG_CLOEXEC")) << "hand table";
  EXPECT_EQ(15, LookupConstant("TCP_COOKIE_TRANSACTIONS"));
}

TEST(ConstantsTest, EnumMembersComeFromTheHeaders) {
  // uapi linux/tcp.h's attributes of SCM_TIMESTAMPING_OPT_STATS: the enum
  // starts at TCP_NLA_PAD = 0.
  EXPECT_EQ(1, LookupConstant("TCP_NLA_BUSY"));
  EXPECT_EQ(8, LookupConstant("TCP_NLA_SND_CWND"));
  EXPECT_EQ(22, LookupConstant("TCP_NLA_SRTT"));
}

TEST(ConstantsTest, NamesNoHeaderHasAreHandEntries) {
  EXPECT_EQ(0, LookupConstant("TCP_CA_OPEN"));
  EXPECT_EQ(1, LookupConstant("TCP_CA_DISORDER"));
  EXPECT_EQ(3, LookupConstant("TCP_CA_RECOVERY"));
  EXPECT_EQ(4, LookupConstant("TCP_CA_LOSS"));
  EXPECT_EQ(0x7fffffff, LookupConstant("TCP_INFINITE_SSTHRESH"));
  EXPECT_EQ(1 << 16, LookupConstant("SOF_TIMESTAMPING_OPT_ID_TCP"));
  EXPECT_EQ(0, LookupConstant("CAP_EFFECTIVE"));
  EXPECT_EQ(2, LookupConstant("CAP_INHERITABLE"));
  EXPECT_EQ(1, LookupConstant("CAP_SET"));
  EXPECT_EQ(0, LookupConstant("CAP_CLEAR"));
}

TEST(ConstantsTest, TheGeneratedTableHoldsEveryListedName) {
  std::ifstream list(std::filesystem::path(SYNACK_SOURCE_DIR) / "grammar" /
                     "header_constants.names");
  ASSERT_TRUE(list);
  std::vector<std::string> listed;
  for (std::string line; std::getline(list, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    listed.push_back(line);
  }
  std::vector<std::string> generated;
  for (const HeaderConstant& entry : HeaderConstants()) {
    generated.push_back(entry.name);
  }
  EXPECT_EQ(94u, listed.size());
  EXPECT_EQ(listed, generated);
}

TEST(ConstantsTest, EveryNameOfPacketdrillsSymbolsResolves) {
  std::ifstream list(std::filesystem::path(SYNACK_SOURCE_DIR) / "grammar" /
                     "testdata" / "packetdrill_symbols_linux.txt");
  ASSERT_TRUE(list);
  int names = 0;
  std::vector<std::string> unknown;
  for (std::string line; std::getline(list, line);) {
    if (line.empty() || line[0] == '#') continue;
    ++names;
    if (!LookupConstant(line)) unknown.push_back(line);
  }
  EXPECT_EQ(402, names);
  EXPECT_EQ(std::vector<std::string>{}, unknown);
}

TEST(ConstantsTest, GeneratedNamesAreOfferedAsHints) {
  std::vector<std::string_view> names = ConstantNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "TCP_NLA_SRTT"),
            names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "CAP_SET"), names.end());
}

}  // namespace
}  // namespace synack::grammar
