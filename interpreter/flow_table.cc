// FlowTable: the flows of a run and the choice of the default one.
#include "interpreter/flow_table.h"

#include <algorithm>

namespace synack::interpreter {

namespace {

uint32_t PortsKey(uint16_t local_port, uint16_t remote_port) {
  return (uint32_t{local_port} << 16) | remote_port;
}

}  // namespace

FlowTable::FlowTable(uint16_t bind_port) : bound_port_(bind_port) {}

void FlowTable::OnBind(uint16_t local_port) {
  // Port 0 lets the stack choose one nobody can name; keep the last port.
  if (local_port != 0) bound_port_ = local_port;
  default_ = -1;
  pending_connect_.reset();
  before_connect_ = -1;
}

void FlowTable::OnListen(uint16_t local_port) {
  if (local_port != 0) bound_port_ = local_port;
  default_ = -1;
  pending_connect_.reset();
  before_connect_ = -1;
}

void FlowTable::OnConnect(uint16_t remote_port) {
  Flow flow;
  flow.remote_port = remote_port;
  pending_connect_ = flow;
  if (default_ >= 0) before_connect_ = default_;
  default_ = -1;
}

FlowRef FlowTable::Named(uint16_t local_port, uint16_t remote_port) const {
  if (const int i = Newest(local_port, remote_port); i >= 0) {
    return FlowRef{*flows_[i], i};
  }
  FlowRef ref;
  ref.flow.local_port = local_port;
  ref.flow.remote_port = remote_port;
  ref.flow.named = true;
  return ref;
}

std::optional<FlowRef> FlowTable::DefaultInbound(std::string* error) const {
  if (default_ >= 0) return FlowRef{*flows_[default_], default_};
  if (pending_connect_ && before_connect_ >= 0 &&
      flows_[before_connect_]->remote_port == pending_connect_->remote_port) {
    return FlowRef{*flows_[before_connect_], before_connect_};
  }
  if (pending_connect_) {
    *error =
        "the stack's port for this connection is not known yet: it has sent "
        "no packet since connect()";
    return std::nullopt;
  }
  FlowRef ref;
  ref.flow.local_port = bound_port_;
  ref.flow.remote_port = NextRemotePort();
  ref.make_default = true;
  ref.fresh_port = true;
  return ref;
}

FlowRef FlowTable::DefaultOutbound(uint16_t live_local, uint16_t live_remote,
                                   bool bare_syn, uint32_t live_seq) const {
  if (default_ >= 0) return FlowRef{*flows_[default_], default_};
  // The connection before connect() may still send: anything but a SYN,
  // or its own SYN again (the same ISN: a retransmission, e.g. after a
  // SYN-ACK it answered with a RST). A new SYN from its ports is the new
  // connection's (a socket bound to the same port).
  const Flow* before =
      before_connect_ >= 0 ? flows_[before_connect_].get() : nullptr;
  const bool old_syn = bare_syn && before != nullptr && before->local_isn &&
                       before->local_isn->live == live_seq;
  if (pending_connect_ && (!bare_syn || old_syn) && before != nullptr &&
      before->local_port == live_local && before->remote_port == live_remote) {
    FlowRef ref{*flows_[before_connect_], before_connect_};
    ref.superseded = true;
    return ref;
  }
  // Another known connection's packet is not the new one's either: a
  // connecting socket's first packet is a SYN (packetdrill takes nothing
  // else for it), so an earlier socket's connection that still sends (an
  // ACK no line mentioned, left unread) keeps its own flow, which lines
  // without ports no longer mean.
  if (pending_connect_ && !bare_syn) {
    for (int i = static_cast<int>(flows_.size()) - 1; i >= 0; --i) {
      if (flows_[i]->local_port == live_local &&
          flows_[i]->remote_port == live_remote) {
        FlowRef ref{*flows_[i], i};
        ref.not_default = true;
        return ref;
      }
    }
  }
  FlowRef ref;
  ref.make_default = true;
  ref.from_packet = true;
  if (pending_connect_) {
    ref.flow = *pending_connect_;  // the matcher adopts the live local port
    ref.from_packet = pending_connect_->local_port == 0;
    return ref;
  }
  ref.flow.local_port = live_local;
  ref.flow.remote_port = live_remote;
  return ref;
}

void FlowTable::Commit(const FlowRef& ref) {
  int index = ref.index;
  if (index >= 0) {
    // Matching may have taught the flow its ports.
    Unindex(index);
    *flows_[index] = ref.flow;
  } else {
    flows_.push_back(std::make_unique<Flow>(ref.flow));
    index = static_cast<int>(flows_.size()) - 1;
  }
  Index(index);
  if (ref.make_default) {
    flows_[index]->was_default = true;
    default_ = index;
    pending_connect_.reset();
    before_connect_ = -1;
  }
  if (ref.fresh_port) next_remote_port_ = ref.flow.remote_port + 1;
}

bool FlowTable::OfDefaultFlow(uint16_t local_port,
                              uint16_t remote_port) const {
  if (auto it = by_ports_.find(PortsKey(local_port, remote_port));
      it != by_ports_.end()) {
    for (int index : it->second) {
      if (flows_[index]->was_default) return true;
    }
  }
  if (pending_connect_) {
    return pending_connect_->remote_port == remote_port &&
           (pending_connect_->local_port == 0 ||
            pending_connect_->local_port == local_port);
  }
  return flows_.empty();
}

const Flow* FlowTable::Find(uint16_t local_port, uint16_t remote_port,
                            bool* is_default) const {
  *is_default = false;
  if (default_ >= 0 && flows_[default_]->local_port == local_port &&
      flows_[default_]->remote_port == remote_port) {
    *is_default = true;
    return flows_[default_].get();
  }
  if (const int i = Newest(local_port, remote_port); i >= 0) {
    // Lines without ports still reach the connection before a connect().
    *is_default = pending_connect_ && i == before_connect_;
    return flows_[i].get();
  }
  if (pending_connect_ && pending_connect_->remote_port == remote_port) {
    *is_default = true;
    return &*pending_connect_;
  }
  return nullptr;
}

int FlowTable::Newest(uint16_t local_port, uint16_t remote_port) const {
  auto it = by_ports_.find(PortsKey(local_port, remote_port));
  return it == by_ports_.end() || it->second.empty() ? -1 : it->second.back();
}

void FlowTable::Index(int index) {
  const Flow& flow = *flows_[index];
  std::vector<int>& same = by_ports_[PortsKey(flow.local_port, flow.remote_port)];
  same.insert(std::upper_bound(same.begin(), same.end(), index), index);
  ++remote_port_uses_[flow.remote_port];
}

void FlowTable::Unindex(int index) {
  const Flow& flow = *flows_[index];
  auto it = by_ports_.find(PortsKey(flow.local_port, flow.remote_port));
  if (it != by_ports_.end()) {
    std::erase(it->second, index);
    if (it->second.empty()) by_ports_.erase(it);
  }
  auto uses = remote_port_uses_.find(flow.remote_port);
  if (uses != remote_port_uses_.end() && --uses->second == 0) {
    remote_port_uses_.erase(uses);
  }
}

bool FlowTable::RemotePortUsed(uint16_t port) const {
  return remote_port_uses_.count(port) != 0;
}

uint16_t FlowTable::NextRemotePort() const {
  uint16_t port = next_remote_port_;
  // Wraps below 65535 back to the start; a script never opens 17000 flows.
  while (RemotePortUsed(port) || port == 0) {
    port = port >= 65535 ? kFirstRemotePort : static_cast<uint16_t>(port + 1);
  }
  return port;
}

}  // namespace synack::interpreter
