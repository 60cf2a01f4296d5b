// SPDX-License-Identifier: MIT
// pcp entry point: one thin consumer of the layers below (DESIGN §6).
#include "cli/app.hpp"

int main(int argc, char** argv)
{
    return pcp::cli::run(argc, argv);
}
