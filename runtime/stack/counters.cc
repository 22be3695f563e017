// Counter names as nstat prints them (the /proc/net/snmp and netstat table
// prefix joined to the field name).
#include "runtime/stack/counters.h"

namespace synack::stack {

const char* CounterName(Counter counter) {
  switch (counter) {
    case Counter::kTcpActiveOpens: return "TcpActiveOpens";
    case Counter::kTcpPassiveOpens: return "TcpPassiveOpens";
    case Counter::kTcpAttemptFails: return "TcpAttemptFails";
    case Counter::kTcpEstabResets: return "TcpEstabResets";
    case Counter::kTcpInSegs: return "TcpInSegs";
    case Counter::kTcpOutSegs: return "TcpOutSegs";
    case Counter::kTcpRetransSegs: return "TcpRetransSegs";
    case Counter::kTcpInErrs: return "TcpInErrs";
    case Counter::kTcpOutRsts: return "TcpOutRsts";
    case Counter::kTcpExtSyncookiesSent: return "TcpExtSyncookiesSent";
    case Counter::kTcpExtSyncookiesRecv: return "TcpExtSyncookiesRecv";
    case Counter::kTcpExtSyncookiesFailed: return "TcpExtSyncookiesFailed";
    case Counter::kTcpExtEmbryonicRsts: return "TcpExtEmbryonicRsts";
    case Counter::kTcpExtListenOverflows: return "TcpExtListenOverflows";
    case Counter::kTcpExtListenDrops: return "TcpExtListenDrops";
    case Counter::kTcpExtTCPReqQFullDoCookies: return "TcpExtTCPReqQFullDoCookies";
    case Counter::kTcpExtTCPReqQFullDrop: return "TcpExtTCPReqQFullDrop";
    case Counter::kTcpExtTCPDeferAcceptDrop: return "TcpExtTCPDeferAcceptDrop";
    case Counter::kTcpExtTCPTimeouts: return "TcpExtTCPTimeouts";
    case Counter::kTcpExtTCPSynRetrans: return "TcpExtTCPSynRetrans";
    case Counter::kTcpExtTCPAbortOnData: return "TcpExtTCPAbortOnData";
    case Counter::kTcpExtTCPAbortOnClose: return "TcpExtTCPAbortOnClose";
    case Counter::kTcpExtTCPAbortOnTimeout: return "TcpExtTCPAbortOnTimeout";
    case Counter::kTcpExtTCPAbortOnLinger: return "TcpExtTCPAbortOnLinger";
    case Counter::kTcpExtTCPChallengeACK: return "TcpExtTCPChallengeACK";
    case Counter::kTcpExtTCPSYNChallenge: return "TcpExtTCPSYNChallenge";
    case Counter::kTcpExtTCPACKSkippedSynRecv: return "TcpExtTCPACKSkippedSynRecv";
    case Counter::kTcpExtTCPACKSkippedSeq: return "TcpExtTCPACKSkippedSeq";
    case Counter::kTcpExtTCPACKSkippedChallenge: return "TcpExtTCPACKSkippedChallenge";
    case Counter::kTcpExtTCPACKSkippedTimeWait: return "TcpExtTCPACKSkippedTimeWait";
    case Counter::kTcpExtTCPACKSkippedPAWS: return "TcpExtTCPACKSkippedPAWS";
    case Counter::kTcpExtPAWSEstab: return "TcpExtPAWSEstab";
    case Counter::kTcpExtDelayedACKs: return "TcpExtDelayedACKs";
    case Counter::kTcpExtDelayedACKLost: return "TcpExtDelayedACKLost";
    case Counter::kTcpExtTW: return "TcpExtTW";
    case Counter::kTcpExtTCPTimeWaitOverflow: return "TcpExtTCPTimeWaitOverflow";
    case Counter::kTcpExtTWRecycled: return "TcpExtTWRecycled";
    case Counter::kTcpExtTCPOFOQueue: return "TcpExtTCPOFOQueue";
    case Counter::kTcpExtTCPDSACKOldSent: return "TcpExtTCPDSACKOldSent";
    case Counter::kTcpExtTCPDSACKOfoSent: return "TcpExtTCPDSACKOfoSent";
    case Counter::kTcpExtTCPOrigDataSent: return "TcpExtTCPOrigDataSent";
    case Counter::kTcpExtTCPWinProbe: return "TcpExtTCPWinProbe";
    case Counter::kTcpExtTCPLossProbes: return "TcpExtTCPLossProbes";
    case Counter::kTcpExtTCPMTUPSuccess: return "TcpExtTCPMTUPSuccess";
    case Counter::kTcpExtTCPFastOpenActive: return "TcpExtTCPFastOpenActive";
    case Counter::kTcpExtTCPFastOpenActiveFail: return "TcpExtTCPFastOpenActiveFail";
    case Counter::kTcpExtTCPFastOpenPassive: return "TcpExtTCPFastOpenPassive";
    case Counter::kTcpExtTCPFastOpenPassiveFail: return "TcpExtTCPFastOpenPassiveFail";
    case Counter::kTcpExtTCPFastOpenListenOverflow: return "TcpExtTCPFastOpenListenOverflow";
    case Counter::kTcpExtTCPFastOpenCookieReqd: return "TcpExtTCPFastOpenCookieReqd";
    case Counter::kTcpExtTCPFastOpenBlackhole: return "TcpExtTCPFastOpenBlackhole";
    case Counter::kTcpExtTCPFastOpenPassiveAltKey: return "TcpExtTCPFastOpenPassiveAltKey";
    case Counter::kTcpExtTCPMD5Unexpected: return "TcpExtTCPMD5Unexpected";
    case Counter::kTcpExtOutOfWindowIcmps: return "TcpExtOutOfWindowIcmps";
    case Counter::kIcmpInMsgs: return "IcmpInMsgs";
    case Counter::kIcmpInErrors: return "IcmpInErrors";
    case Counter::kIcmpInDestUnreachs: return "IcmpInDestUnreachs";
    case Counter::kIcmpInSrcQuenchs: return "IcmpInSrcQuenchs";
    case Counter::kIcmpInRedirects: return "IcmpInRedirects";
    case Counter::kIcmpInTimeExcds: return "IcmpInTimeExcds";
    case Counter::kIcmpInParmProbs: return "IcmpInParmProbs";
    case Counter::kIcmpMsgInType3: return "IcmpMsgInType3";
    case Counter::kIcmpMsgInType4: return "IcmpMsgInType4";
    case Counter::kIcmpMsgInType5: return "IcmpMsgInType5";
    case Counter::kIcmpMsgInType11: return "IcmpMsgInType11";
    case Counter::kIcmpMsgInType12: return "IcmpMsgInType12";
    case Counter::kIcmp6InMsgs: return "Icmp6InMsgs";
    case Counter::kIcmp6InErrors: return "Icmp6InErrors";
    case Counter::kIcmp6InDestUnreachs: return "Icmp6InDestUnreachs";
    case Counter::kIcmp6InPktTooBigs: return "Icmp6InPktTooBigs";
    case Counter::kIcmp6InTimeExcds: return "Icmp6InTimeExcds";
    case Counter::kIcmp6InParmProblems: return "Icmp6InParmProblems";
    case Counter::kIcmp6InType1: return "Icmp6InType1";
    case Counter::kIcmp6InType2: return "Icmp6InType2";
    case Counter::kIcmp6InType3: return "Icmp6InType3";
    case Counter::kIcmp6InType4: return "Icmp6InType4";
    case Counter::kCount: break;
  }
  return "?";
}

std::map<std::string, int64_t> CounterTable::Snapshot(int64_t curr_estab) const {
  std::map<std::string, int64_t> out;
  for (size_t i = 0; i < values_.size(); ++i) {
    out[CounterName(static_cast<Counter>(i))] = values_[i];
  }
  out["TcpCurrEstab"] = curr_estab;
  return out;
}

}  // namespace synack::stack
