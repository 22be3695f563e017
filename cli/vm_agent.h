// `synack vm-agent PORT`: synack inside a guest (runtime/vm/initramfs.h
// starts it). It says hello on the virtio serial port PORT, plans the
// suite from the command line the host sends, and runs each run the host
// asks for as `synack run` would here (its own process, PID namespace,
// network namespace, real-time priority), answering with its exit status,
// output and record. A run the host gives up on is killed.
#pragma once

#include <string>

namespace synack::cli {

int VmAgentCommand(const std::string& port);

}  // namespace synack::cli
