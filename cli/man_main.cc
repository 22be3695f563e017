// synack_man: writes synack(1) for the build to install
// (`synack_man VERSION FILE`).
#include <fstream>
#include <iostream>

#include "cli/man_page.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: synack_man VERSION FILE\n";
    return 2;
  }
  std::ofstream out(argv[2]);
  out << synack::cli::ManPage(argv[1]);
  out.close();
  if (!out) {
    std::cerr << "synack_man: cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
