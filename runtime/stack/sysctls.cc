// Sysctls: the name table, /proc/sys-style value parsing and validation.
#include "runtime/stack/sysctls.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <span>

namespace synack::stack {
namespace {

// How a value is parsed and checked, after Linux's proc handlers:
// proc_dointvec_minmax (kInt) and proc_dou8vec_minmax (kU8, no negatives).
enum class Kind { kInt, kU8 };

struct Entry {
  const char* name;
  Kind kind;
  long min, max;
  // The field(s): one int, or a vector the text fills from its start.
  std::function<std::span<int>(Sysctls&)> field;
  // A check across the whole vector after parsing, as Linux's handler for
  // ip_local_port_range does. Returns an error message or empty.
  std::function<std::string(std::span<const int>)> check;
};

std::span<int> One(int& v) { return std::span<int>(&v, 1); }

// Sysctls kept as text only: defaults measured in a fresh namespace on
// 6.18, and the shape of value a write must have.
struct Unmodelled {
  const char* name;
  const char* value;
  int count;  // integers in the value
  long long min, max;
};

const std::vector<Unmodelled>& UnmodelledTable() {
  static const std::vector<Unmodelled> table = {
      {"net.ipv4.tcp_adv_win_scale", "1", 1, -31, 31},
      {"net.ipv4.tcp_app_win", "31", 1, 0, 255},
      {"net.ipv4.tcp_autocorking", "1", 1, 0, 1},
      {"net.ipv4.tcp_backlog_ack_defer", "1", 1, 0, 1},
      {"net.ipv4.tcp_base_mss", "1024", 1, INT_MIN, INT_MAX},
      {"net.ipv4.tcp_comp_sack_slack_ns", "100000", 1, 0, LLONG_MAX},
      {"net.ipv4.tcp_ecn_option", "2", 1, 0, 2},
      {"net.ipv4.tcp_fack", "0", 1, INT_MIN, INT_MAX},
      {"net.ipv4.tcp_fastopen_blackhole_timeout_sec", "0", 1, 0, INT_MAX},
      {"net.ipv4.tcp_frto", "2", 1, 0, 255},
      {"net.ipv4.tcp_keepalive_intvl", "75", 1, 1, INT_MAX},
      {"net.ipv4.tcp_keepalive_probes", "9", 1, 1, 127},
      {"net.ipv4.tcp_keepalive_time", "7200", 1, 1, INT_MAX},
      {"net.ipv4.tcp_limit_output_bytes", "4194304", 1, 0, INT_MAX},
      {"net.ipv4.tcp_max_reordering", "300", 1, INT_MIN, INT_MAX},
      {"net.ipv4.tcp_min_rtt_wlen", "300", 1, 0, 86400},
      {"net.ipv4.tcp_moderate_rcvbuf", "1", 1, 0, 255},
      {"net.ipv4.tcp_mtu_probe_floor", "48", 1, 48, 65535},
      {"net.ipv4.tcp_mtu_probing", "0", 1, 0, 2},
      {"net.ipv4.tcp_no_metrics_save", "0", 1, 0, 255},
      {"net.ipv4.tcp_notsent_lowat", "4294967295", 1, 0, 4294967295LL},
      {"net.ipv4.tcp_probe_interval", "600", 1, 0, UINT_MAX},
      {"net.ipv4.tcp_probe_threshold", "8", 1, INT_MIN, INT_MAX},
      {"net.ipv4.tcp_recovery", "1", 1, INT_MIN, INT_MAX},
      {"net.ipv4.tcp_reordering", "3", 1, INT_MIN, INT_MAX},
      {"net.ipv4.tcp_shrink_window", "0", 1, 0, 1},
      {"net.ipv4.tcp_slow_start_after_idle", "1", 1, 0, 255},
      {"net.ipv4.tcp_thin_linear_timeouts", "0", 1, 0, 255},
  };
  return table;
}

const Unmodelled* FindUnmodelled(const std::string& canonical) {
  for (const Unmodelled& u : UnmodelledTable()) {
    if (canonical == u.name) return &u;
  }
  return nullptr;
}

// Measured: `tcp_available_congestion_control` is "reno bbr cubic"; any
// other name is rejected and the old one kept.
bool KnownCongestionControl(const std::string& name) {
  return name == "reno" || name == "cubic" || name == "bbr";
}

std::string CheckPortRange(std::span<const int> range) {
  // Measured on 6.18: "1024 1024" and "5000 5001" are accepted; "1023 1023",
  // "1 1023", "2 1024", "2000 1000" and "1024 65536" are EINVAL. The low end
  // may not go below ip_unprivileged_port_start (1024).
  if (range[0] < 1024) return "EINVAL: low end below 1024";
  if (range[1] < range[0]) return "EINVAL: high end below low end";
  return "";
}

const std::vector<Entry>& Table() {
  static const std::vector<Entry> table = {
      {"net.core.rmem_default", Kind::kInt, 2304, INT_MAX,
       [](Sysctls& s) { return One(s.rmem_default); }, nullptr},
      {"net.core.rmem_max", Kind::kInt, 2304, INT_MAX,
       [](Sysctls& s) { return One(s.rmem_max); }, nullptr},
      {"net.core.somaxconn", Kind::kInt, 0, INT_MAX,
       [](Sysctls& s) { return One(s.somaxconn); }, nullptr},
      {"net.core.wmem_default", Kind::kInt, 4608, INT_MAX,
       [](Sysctls& s) { return One(s.wmem_default); }, nullptr},
      {"net.core.wmem_max", Kind::kInt, 4608, INT_MAX,
       [](Sysctls& s) { return One(s.wmem_max); }, nullptr},
      {"net.ipv4.ip_default_ttl", Kind::kInt, 1, 255,
       [](Sysctls& s) { return One(s.ip_default_ttl); }, nullptr},
      {"net.ipv4.ip_local_port_range", Kind::kInt, 1, 65535,
       [](Sysctls& s) { return std::span<int>(s.ip_local_port_range); },
       CheckPortRange},
      {"net.ipv4.tcp_abort_on_overflow", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_abort_on_overflow); }, nullptr},
      {"net.ipv4.tcp_challenge_ack_limit", Kind::kInt, INT_MIN, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_challenge_ack_limit); }, nullptr},
      {"net.ipv4.tcp_comp_sack_delay_ns", Kind::kInt, 0, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_comp_sack_delay_ns); }, nullptr},
      {"net.ipv4.tcp_comp_sack_nr", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_comp_sack_nr); }, nullptr},
      {"net.ipv4.tcp_dsack", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_dsack); }, nullptr},
      {"net.ipv4.tcp_early_retrans", Kind::kInt, 0, 4,
       [](Sysctls& s) { return One(s.tcp_early_retrans); }, nullptr},
      {"net.ipv4.tcp_ecn", Kind::kU8, 0, 2,
       [](Sysctls& s) { return One(s.tcp_ecn); }, nullptr},
      {"net.ipv4.tcp_ecn_fallback", Kind::kU8, 0, 1,
       [](Sysctls& s) { return One(s.tcp_ecn_fallback); }, nullptr},
      // proc_dointvec_jiffies: seconds that must fit in jiffies (HZ=250).
      {"net.ipv4.tcp_fastopen", Kind::kInt, INT_MIN, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_fastopen); }, nullptr},
      {"net.ipv4.tcp_fin_timeout", Kind::kInt, -(INT_MAX / 250), INT_MAX / 250,
       [](Sysctls& s) { return One(s.tcp_fin_timeout); }, nullptr},
      {"net.ipv4.tcp_invalid_ratelimit", Kind::kInt, INT_MIN, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_invalid_ratelimit); }, nullptr},
      // Measured: 0, -1 and 65536 are all accepted.
      {"net.ipv4.tcp_max_syn_backlog", Kind::kInt, INT_MIN, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_max_syn_backlog); }, nullptr},
      {"net.ipv4.tcp_max_tw_buckets", Kind::kInt, 0, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_max_tw_buckets); }, nullptr},
      {"net.ipv4.tcp_min_snd_mss", Kind::kInt, 48, 65535,
       [](Sysctls& s) { return One(s.tcp_min_snd_mss); }, nullptr},
      {"net.ipv4.tcp_orphan_retries", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_orphan_retries); }, nullptr},
      {"net.ipv4.tcp_pingpong_thresh", Kind::kU8, 1, 255,
       [](Sysctls& s) { return One(s.tcp_pingpong_thresh); }, nullptr},
      {"net.ipv4.tcp_retries1", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_retries1); }, nullptr},
      {"net.ipv4.tcp_retries2", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_retries2); }, nullptr},
      {"net.ipv4.tcp_rfc1337", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_rfc1337); }, nullptr},
      // Measured: "0 1 2" and "-1 2 3" are EINVAL, "1 1 1" and "5 4 3" pass.
      {"net.ipv4.tcp_rmem", Kind::kInt, 1, INT_MAX,
       [](Sysctls& s) { return std::span<int>(s.tcp_rmem); }, nullptr},
      {"net.ipv4.tcp_rto_max_ms", Kind::kInt, 1000, 120000,
       [](Sysctls& s) { return One(s.tcp_rto_max_ms); }, nullptr},
      {"net.ipv4.tcp_rto_min_us", Kind::kInt, 1, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_rto_min_us); }, nullptr},
      {"net.ipv4.tcp_sack", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_sack); }, nullptr},
      // Measured: 0..127 (128 is EINVAL).
      {"net.ipv4.tcp_syn_linear_timeouts", Kind::kU8, 0, 127,
       [](Sysctls& s) { return One(s.tcp_syn_linear_timeouts); }, nullptr},
      // Measured: 1..127 (0 and 128 are EINVAL).
      {"net.ipv4.tcp_syn_retries", Kind::kU8, 1, 127,
       [](Sysctls& s) { return One(s.tcp_syn_retries); }, nullptr},
      {"net.ipv4.tcp_synack_retries", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_synack_retries); }, nullptr},
      // Measured: 0, 1, 2, 3 and 255 are all accepted; 256 is EINVAL.
      {"net.ipv4.tcp_syncookies", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_syncookies); }, nullptr},
      {"net.ipv4.tcp_timestamps", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_timestamps); }, nullptr},
      {"net.ipv4.tcp_min_tso_segs", Kind::kInt, 1, 255,
       [](Sysctls& s) { return One(s.tcp_min_tso_segs); }, nullptr},
      {"net.ipv4.tcp_pacing_ca_ratio", Kind::kInt, 0, 1000,
       [](Sysctls& s) { return One(s.tcp_pacing_ca_ratio); }, nullptr},
      {"net.ipv4.tcp_pacing_ss_ratio", Kind::kInt, 0, 1000,
       [](Sysctls& s) { return One(s.tcp_pacing_ss_ratio); }, nullptr},
      {"net.ipv4.tcp_tso_rtt_log", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_tso_rtt_log); }, nullptr},
      {"net.ipv4.tcp_tso_win_divisor", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_tso_win_divisor); }, nullptr},
      {"net.ipv4.tcp_tw_reuse", Kind::kU8, 0, 2,
       [](Sysctls& s) { return One(s.tcp_tw_reuse); }, nullptr},
      // Measured: 1..60000 (0 and 60001 are EINVAL).
      {"net.ipv4.tcp_tw_reuse_delay", Kind::kInt, 1, 60000,
       [](Sysctls& s) { return One(s.tcp_tw_reuse_delay); }, nullptr},
      {"net.ipv4.tcp_window_scaling", Kind::kU8, 0, 255,
       [](Sysctls& s) { return One(s.tcp_window_scaling); }, nullptr},
      {"net.ipv4.tcp_wmem", Kind::kInt, 1, INT_MAX,
       [](Sysctls& s) { return std::span<int>(s.tcp_wmem); }, nullptr},
      {"net.ipv4.tcp_workaround_signed_windows", Kind::kInt, INT_MIN, INT_MAX,
       [](Sysctls& s) { return One(s.tcp_workaround_signed_windows); },
       nullptr},
  };
  return table;
}

// "net.ipv4.tcp_sack", "net/ipv4/tcp_sack", "/proc/sys/net/ipv4/tcp_sack".
std::string Canonical(std::string name) {
  const std::string proc = "/proc/sys/";
  if (name.rfind(proc, 0) == 0) name = name.substr(proc.size());
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

const Entry* Find(const std::string& name) {
  const std::string canonical = Canonical(name);
  for (const Entry& entry : Table()) {
    if (canonical == entry.name) return &entry;
  }
  return nullptr;
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)); }

// Parses up to `max_values` integers the way proc_get_long does: leading
// blanks skipped, an optional '-', base by prefix (0x hex, 0 octal) as
// simple_strtoul, and each number ended by a blank or the end. Values past
// `max_values` are ignored. Returns an error message, empty on success.
std::string ParseInts(const std::string& text, size_t max_values,
                      std::vector<long>* out) {
  size_t i = 0;
  while (out->size() < max_values) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size()) break;
    bool negative = false;
    if (text[i] == '-') {
      negative = true;
      ++i;
    }
    if (i == text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) {
      return "EINVAL: not a number: '" + text + "'";
    }
    const char* begin = text.c_str() + i;
    char* end = nullptr;
    errno = 0;
    const unsigned long magnitude = std::strtoul(begin, &end, 0);
    if (errno == ERANGE || magnitude > static_cast<unsigned long>(LONG_MAX)) {
      return "EINVAL: out of range: '" + text + "'";
    }
    i += static_cast<size_t>(end - begin);
    if (i < text.size() && !IsSpace(text[i])) {
      return "EINVAL: not a number: '" + text + "'";
    }
    const long value = static_cast<long>(magnitude);
    out->push_back(negative ? -value : value);
  }
  return "";
}

}  // namespace

std::string Sysctls::Set(const std::string& name, const std::string& value) {
  const std::string canonical = Canonical(name);
  if (canonical == "net.ipv4.tcp_congestion_control") {
    std::string word = value;
    while (!word.empty() && IsSpace(word.back())) word.pop_back();
    if (!KnownCongestionControl(word)) return "ENOENT: no congestion control " + word;
    tcp_congestion_control = word;
    return "";
  }
  if (canonical == "net.ipv4.tcp_fastopen_key") {
    std::string key = value;
    while (!key.empty() && IsSpace(key.back())) key.pop_back();
    if (!key.empty()) tcp_fastopen_key = key;
    return "";
  }
  if (const Unmodelled* u = FindUnmodelled(canonical)) {
    if (value.empty()) return "";
    std::vector<long> parsed;
    if (std::string error = ParseInts(value, static_cast<size_t>(u->count), &parsed);
        !error.empty()) {
      return error;
    }
    if (parsed.empty()) return "EINVAL: no value";
    std::string text;
    for (long v : parsed) {
      if (v < u->min || v > u->max) {
        return "EINVAL: " + std::to_string(v) + " outside " + std::to_string(u->min) +
               ".." + std::to_string(u->max);
      }
      if (!text.empty()) text += '\t';
      text += std::to_string(v);
    }
    unmodelled[u->name] = text;
    return "";
  }
  const Entry* entry = Find(name);
  if (entry == nullptr) return "ENOENT: unknown sysctl " + name;
  const std::span<int> field = entry->field(*this);
  // A write of nothing changes nothing (measured: '' is accepted); a write
  // of blanks only is EINVAL.
  if (value.empty()) return "";
  std::vector<long> parsed;
  if (std::string error = ParseInts(value, field.size(), &parsed);
      !error.empty()) {
    return error;
  }
  if (parsed.empty()) return "EINVAL: no value";
  for (long v : parsed) {
    if (entry->kind == Kind::kU8 && v < 0) return "EINVAL: negative value";
    if (v < entry->min || v > entry->max) {
      return "EINVAL: " + std::to_string(v) + " outside " +
             std::to_string(entry->min) + ".." + std::to_string(entry->max);
    }
  }
  std::vector<int> updated(field.begin(), field.end());
  for (size_t i = 0; i < parsed.size(); ++i) {
    updated[i] = static_cast<int>(parsed[i]);
  }
  if (entry->check) {
    if (std::string error = entry->check(updated); !error.empty()) return error;
  }
  std::copy(updated.begin(), updated.end(), field.begin());
  return "";
}

std::string Sysctls::Get(const std::string& name, std::string* value) const {
  const std::string canonical = Canonical(name);
  if (canonical == "net.ipv4.tcp_congestion_control") {
    *value = tcp_congestion_control;
    return "";
  }
  if (canonical == "net.ipv4.tcp_fastopen_key") {
    *value = tcp_fastopen_key;
    return "";
  }
  if (canonical == "net.ipv4.tcp_available_congestion_control") {
    *value = "reno bbr cubic";
    return "";
  }
  if (const Unmodelled* u = FindUnmodelled(canonical)) {
    auto it = unmodelled.find(u->name);
    *value = it != unmodelled.end() ? it->second : u->value;
    return "";
  }
  const Entry* entry = Find(name);
  if (entry == nullptr) return "ENOENT: unknown sysctl " + name;
  // The table's accessors take a mutable Sysctls; reading through a copy
  // keeps this method const without a cast.
  Sysctls copy = *this;
  const std::span<int> field = entry->field(copy);
  value->clear();
  for (size_t i = 0; i < field.size(); ++i) {
    if (i > 0) *value += '\t';
    *value += std::to_string(field[i]);
  }
  return "";
}

std::vector<std::string> Sysctls::Names() {
  std::vector<std::string> names = {"net.ipv4.tcp_available_congestion_control",
                                    "net.ipv4.tcp_congestion_control",
                                    "net.ipv4.tcp_fastopen_key"};
  for (const Entry& entry : Table()) names.push_back(entry.name);
  for (const Unmodelled& u : UnmodelledTable()) names.push_back(u.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace synack::stack
