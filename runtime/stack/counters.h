// The SNMP and netstat counters the own stack keeps, under nstat's names.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace synack::stack {

// Each counts what Linux counts under the same name; the comment says where
// the kernel increments it when that is not obvious.
enum class Counter {
  kTcpActiveOpens,     // connect() sends its SYN
  kTcpPassiveOpens,    // a child socket is made from a request
  kTcpAttemptFails,    // SYN_SENT/SYN_RECV to CLOSE (tcp_done, embryonic RST)
  kTcpEstabResets,     // ESTABLISHED/CLOSE_WAIT to CLOSE
  kTcpInSegs,
  kTcpOutSegs,         // not counting segments holding only retransmitted data
  kTcpRetransSegs,
  kTcpInErrs,
  kTcpOutRsts,
  kTcpExtSyncookiesSent,
  kTcpExtSyncookiesRecv,
  kTcpExtSyncookiesFailed,
  kTcpExtEmbryonicRsts,
  kTcpExtListenOverflows,
  kTcpExtListenDrops,
  kTcpExtTCPReqQFullDoCookies,
  kTcpExtTCPReqQFullDrop,
  kTcpExtTCPDeferAcceptDrop,  // a bare ACK while TCP_DEFER_ACCEPT runs
  kTcpExtTCPTimeouts,
  kTcpExtTCPSynRetrans,
  kTcpExtTCPAbortOnData,
  kTcpExtTCPAbortOnClose,
  kTcpExtTCPAbortOnTimeout,
  kTcpExtTCPAbortOnLinger,
  kTcpExtTCPChallengeACK,
  kTcpExtTCPSYNChallenge,
  kTcpExtTCPACKSkippedSynRecv,
  kTcpExtTCPACKSkippedSeq,
  kTcpExtTCPACKSkippedChallenge,
  kTcpExtTCPACKSkippedTimeWait,
  kTcpExtTCPACKSkippedPAWS,
  kTcpExtPAWSEstab,
  kTcpExtDelayedACKs,
  kTcpExtDelayedACKLost,
  kTcpExtTW,
  kTcpExtTCPTimeWaitOverflow,  // tcp_max_tw_buckets reached: no timewait
  kTcpExtTWRecycled,  // connect() took a tuple over from TIME_WAIT
  kTcpExtTCPOFOQueue,
  kTcpExtTCPDSACKOldSent,
  kTcpExtTCPDSACKOfoSent,
  kTcpExtTCPOrigDataSent,
  kTcpExtTCPWinProbe,
  kTcpExtTCPLossProbes,
  kTcpExtTCPMTUPSuccess,  // a path MTU probe was acknowledged
  // Fast Open (tcp_fastopen.c and its callers).
  kTcpExtTCPFastOpenActive,
  kTcpExtTCPFastOpenActiveFail,
  kTcpExtTCPFastOpenPassive,
  kTcpExtTCPFastOpenPassiveFail,
  kTcpExtTCPFastOpenListenOverflow,
  kTcpExtTCPFastOpenCookieReqd,
  kTcpExtTCPFastOpenBlackhole,
  kTcpExtTCPFastOpenPassiveAltKey,
  kTcpExtTCPMD5Unexpected,  // tcp_inbound_md5_hash(): signed, and no key
  kTcpExtOutOfWindowIcmps,  // tcp_v4_err/tcp_v6_err: the quoted seq is not in flight
  // ICMP input (icmp_rcv(), icmpv6_rcv()), the error types the stack
  // handles: IcmpIn<Type> is /proc/net/snmp's sum of IcmpMsgInType<N>.
  kIcmpInMsgs,
  kIcmpInErrors,  // icmp_unreach() malformed, or no socket (tcp_v4_err)
  kIcmpInDestUnreachs,
  kIcmpInSrcQuenchs,
  kIcmpInRedirects,
  kIcmpInTimeExcds,
  kIcmpInParmProbs,
  kIcmpMsgInType3,
  kIcmpMsgInType4,
  kIcmpMsgInType5,
  kIcmpMsgInType11,
  kIcmpMsgInType12,
  kIcmp6InMsgs,
  kIcmp6InErrors,
  kIcmp6InDestUnreachs,
  kIcmp6InPktTooBigs,
  kIcmp6InTimeExcds,
  kIcmp6InParmProblems,
  kIcmp6InType1,
  kIcmp6InType2,
  kIcmp6InType3,
  kIcmp6InType4,
  kCount
};

const char* CounterName(Counter counter);

class CounterTable {
 public:
  void Inc(Counter counter, int64_t by = 1) {
    values_[static_cast<size_t>(counter)] += by;
  }
  int64_t Get(Counter counter) const {
    return values_[static_cast<size_t>(counter)];
  }
  // Every counter by nstat name, zeros included, plus the gauge
  // TcpCurrEstab which the caller supplies (it is a count of sockets).
  std::map<std::string, int64_t> Snapshot(int64_t curr_estab) const;

 private:
  std::array<int64_t, static_cast<size_t>(Counter::kCount)> values_{};
};

}  // namespace synack::stack
