// SPDX-License-Identifier: MIT
// Corpus replay for g++ builds (STYLE §F): runs LLVMFuzzerTestOneInput over every file in the
// directories or files given, so each fuzz corpus is a regression suite in ctest.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
int run_file(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Copy into an exact-size heap buffer so that ASan sees reads past the end.
    std::vector<std::uint8_t> exact(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(exact.data(), exact.size());
    return 1;
}
} // namespace

int main(int argc, char** argv)
{
    int files = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
                if (e.is_regular_file()) {
                    files += run_file(e.path());
                }
            }
        } else if (std::filesystem::is_regular_file(p)) {
            files += run_file(p);
        } else {
            std::fprintf(stderr, "replay: no such corpus: %s\n", argv[i]);
            return 1;
        }
    }
    // An empty corpus is a defect (a replay that checks nothing must not pass).
    if (files == 0) {
        std::fprintf(stderr, "replay: corpus is empty\n");
        return 1;
    }
    std::printf("replay: %d inputs ran without a crash\n", files);
    return 0;
}
