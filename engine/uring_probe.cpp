// SPDX-License-Identifier: MIT
#include "engine/uring_probe.hpp"

#include <sys/resource.h>

#include <liburing.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace pcp::engine {

bool built_with_io_uring() noexcept
{
#if defined(PCP_IO_URING) && PCP_IO_URING
    return true;
#else
    return false;
#endif
}

std::string memlock_hint()
{
    rlimit rl{};
    std::string now = "unknown";
    if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
        now = rl.rlim_cur == RLIM_INFINITY ? "unlimited" : std::to_string(rl.rlim_cur / 1024) + " KiB";
    }
    return "RLIMIT_MEMLOCK is " + now + "; each engine core's io_uring needs about 1.6 MiB of locked memory: raise it with "
           "`ulimit -l` or memlock in /etc/security/limits.conf";
}

uring_features probe_uring()
{
    uring_features f;
    utsname u{};
    if (uname(&u) == 0) {
        f.kernel = u.release;
    }
    io_uring ring{};
    // The size Asio gives each core's ring: a smaller probe would pass where the engine then fails
    // (the ring's memory counts against RLIMIT_MEMLOCK for unprivileged users).
    int rc = io_uring_queue_init(engine_ring_entries, &ring, 0);
    if (rc < 0) {
        f.error = std::strerror(-rc);
        if (-rc == ENOMEM) {
            f.error += " (" + memlock_hint() + ")";
        }
        std::ifstream disabled("/proc/sys/kernel/io_uring_disabled");
        int level = 0;
        if (disabled >> level && level != 0) {
            f.error += " (kernel.io_uring_disabled=" + std::to_string(level) + ")";
        } else if (-rc == EPERM || -rc == ENOSYS) {
            f.error += " (blocked by seccomp, e.g. a container's default profile?)";
        }
        return f;
    }
    f.available = true;
    f.fast_poll = (ring.features & IORING_FEAT_FAST_POLL) != 0;
    if (io_uring_probe* p = io_uring_get_probe_ring(&ring)) {
        f.send_zc = io_uring_opcode_supported(p, IORING_OP_SEND_ZC) != 0;
        // Multishot accept (5.19) and multishot recv (6.0) have no probe bit of their own; SEND_ZC
        // (6.0) implies both.
        f.multishot_accept = f.send_zc;
        f.recv_multishot = f.send_zc;
        io_uring_free_probe(p);
    }
    // Buffer rings: try to register a one-entry ring.
    {
        const std::size_t len = 4096;
        void* mem = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
        if (mem != MAP_FAILED) {
            io_uring_buf_reg reg{};
            reg.ring_addr = reinterpret_cast<unsigned long>(mem);
            reg.ring_entries = 1;
            reg.bgid = 0;
            if (io_uring_register_buf_ring(&ring, &reg, 0) == 0) {
                f.buffer_rings = true;
                io_uring_unregister_buf_ring(&ring, 0);
            }
            munmap(mem, len);
        }
    }
    // Registered buffers: pinned memory counts against RLIMIT_MEMLOCK for non-root users.
    {
        static char page[4096];
        iovec iov{page, sizeof(page)};
        if (io_uring_register_buffers(&ring, &iov, 1) == 0) {
            f.registered_buffers = true;
            io_uring_unregister_buffers(&ring);
        }
    }
    io_uring_queue_exit(&ring);
    return f;
}

std::string uring_unavailable_message(const uring_features& f)
{
    return "pcp needs io_uring, and this kernel refused it: " + f.error +
           ". Run on Linux >= 6.1 with io_uring allowed (sysctl kernel.io_uring_disabled=0; in Docker, "
           "a seccomp profile that allows io_uring_setup), or build the epoll variant: "
           "cmake --preset release-epoll && cmake --build --preset release-epoll";
}

} // namespace pcp::engine
