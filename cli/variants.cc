// packetdrill's IP variants: the script-name rule and the runner's per-variant
// flags (addresses, MTU, TFO cookies and cmsg symbols).
#include "cli/variants.h"

#include <algorithm>
#include <fstream>

namespace synack::cli {

using interpreter::IpVersion;

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::optional<IpVersion> ParseIpVersion(const std::string& text) {
  if (text == "ipv4") return IpVersion::kIpv4;
  if (text == "ipv6") return IpVersion::kIpv6;
  if (text == "ipv4-mapped-ipv6") return IpVersion::kIpv4MappedIpv6;
  return std::nullopt;
}

std::optional<IpVersion> ScriptIpVersion(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  constexpr char kOption[] = "--ip_version=";
  while (std::getline(in, line)) {
    if (line.rfind(kOption, 0) != 0) continue;
    std::string value = line.substr(sizeof kOption - 1);
    value.erase(value.find_last_not_of(" \t\r") + 1);
    return ParseIpVersion(value);
  }
  return std::nullopt;
}

std::vector<IpVersion> VariantsForScript(const std::string& path) {
  // A script written for one IP version says so (as Linux's packetdrill
  // selftests do: tcp_syncookies_ip4_9k.pkt sets an IPv4 MTU and expects
  // IPv4's MSS table); running it in another only fails.
  if (std::optional<IpVersion> stated = ScriptIpVersion(path)) return {*stated};
  if (EndsWith(path, "v6.pkt")) return {IpVersion::kIpv6};
  if (EndsWith(path, "v4.pkt")) {
    return {IpVersion::kIpv4, IpVersion::kIpv4MappedIpv6};
  }
  return {IpVersion::kIpv4, IpVersion::kIpv6, IpVersion::kIpv4MappedIpv6};
}

std::vector<IpVersion> SelectVariants(const std::string& path,
                                      const std::vector<IpVersion>& wanted) {
  std::vector<IpVersion> selected;
  for (IpVersion version : VariantsForScript(path)) {
    if (wanted.empty() ||
        std::find(wanted.begin(), wanted.end(), version) != wanted.end()) {
      selected.push_back(version);
    }
  }
  return selected;
}

const char* VariantName(IpVersion version) {
  switch (version) {
    case IpVersion::kIpv4:
      return "ipv4";
    case IpVersion::kIpv6:
      return "ipv6";
    case IpVersion::kIpv4MappedIpv6:
      return "ipv4-mapped-ipv6";
  }
  return "?";
}

VariantDefaults RunnerDefaults(IpVersion version) {
  // The TFO cookies are what the kernel computes for these addresses with the
  // key that the corpus's defaults.sh installs; the cmsg symbols name the
  // level and type of IP_RECVERR for the socket family.
  switch (version) {
    case IpVersion::kIpv4:
      return {{{"ip_version", "ipv4"},
               {"local_ip", "192.168.0.2"},
               {"gateway_ip", "192.168.0.1"},
               {"netmask_ip", "255.255.0.0"},
               {"remote_ip", "192.0.2.1"}},
              {{"TFO_COOKIE", "de4f234f0f433a55"},
               {"CMSG_LEVEL_IP", "SOL_IP"},
               {"CMSG_TYPE_RECVERR", "IP_RECVERR"}}};
    case IpVersion::kIpv6:
      return {{{"ip_version", "ipv6"},
               {"mtu", "1520"},
               {"local_ip", "fd3d:fa7b:d17d::0"},
               {"gateway_ip", "fd3d:fa7b:d17d:8888::0"},
               {"remote_ip", "2001:DB8::1"}},
              {{"TFO_COOKIE", "6aa6ae70c288023b"},
               {"CMSG_LEVEL_IP", "SOL_IPV6"},
               {"CMSG_TYPE_RECVERR", "IPV6_RECVERR"}}};
    case IpVersion::kIpv4MappedIpv6:
      return {{{"ip_version", "ipv4-mapped-ipv6"},
               {"local_ip", "192.168.0.2"},
               {"gateway_ip", "192.168.0.1"},
               {"netmask_ip", "255.255.0.0"},
               {"remote_ip", "192.0.2.1"}},
              {{"TFO_COOKIE", "de4f234f0f433a55"},
               {"CMSG_LEVEL_IP", "SOL_IPV6"},
               {"CMSG_TYPE_RECVERR", "IPV6_RECVERR"}}};
  }
  return {};
}

}  // namespace synack::cli
