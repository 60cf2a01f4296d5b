// SPDX-License-Identifier: MIT
#include "engine/core_pool.hpp"
#include "engine/uring_probe.hpp"

#if PCP_IO_URING
#include <boost/asio/detail/io_uring_service.hpp>
#endif

#include <pthread.h>
#include <sched.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace pcp::engine {

namespace {
std::atomic<bool>& engine_failed_flag() noexcept
{
    static std::atomic<bool> flag{false};
    return flag;
}
} // namespace

bool engine_failed() noexcept
{
    return engine_failed_flag().load();
}

core_pool::core_pool(core_pool_options opts) : pin_(opts.pin)
{
    std::size_t n = opts.cores ? opts.cores : std::max(1u, std::thread::hardware_concurrency());
    cores_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto c = std::make_unique<core>();
        c->guard.emplace(c->ctx.get_executor());
#if PCP_IO_URING
        // Asio sets a context's ring up lazily, on its first socket or timer, on whatever thread
        // that happens: a failure there (enough locked memory for one ring, not for two) threw
        // out of an unrelated coroutine and the pool hung or aborted. Set every ring up here.
        try {
            (void)asio::use_service<asio::detail::io_uring_service>(c->ctx);
        } catch (const boost::system::system_error& e) {
            std::string hint = e.code() == boost::system::errc::not_enough_memory ? " (" + memlock_hint() + ")" : "";
            throw engine_setup_error(fmt::format("pcp needs io_uring, and this kernel refused a ring for engine core {} of {}: {}{}",
                                                 i, n, e.code().message(), hint));
        }
#endif
        cores_.push_back(std::move(c));
    }
}

void core_pool::drain(int max_rounds)
{
    if (!quiescent()) {
        return;
    }
    for (int round = 0; round < max_rounds; ++round) {
        std::size_t ran = 0;
        for (auto& c : cores_) {
            c->ctx.restart();
            try {
                ran += c->ctx.poll();
            } catch (const std::exception& e) {
                spdlog::error("engine: drain: unhandled exception: {}", e.what());
            }
        }
        if (ran == 0) {
            break;
        }
    }
}

core_pool::~core_pool()
{
    stop();
    join();
    // No drain() here: handlers resumed now could touch objects their owners already destroyed.
    // Owners of sockets drain while they still exist (see host::~host).
    // Destroy contexts in core order; each destroys the frames of its pending tasks. Core 0 goes
    // first: its acceptors may hold pending accepts into sockets of other cores' contexts, which
    // must still exist when those operations are destroyed.
    for (auto& c : cores_) {
        c.reset();
    }
    cores_.clear();
}

std::size_t core_pool::least_loaded_core() const noexcept
{
    std::size_t best = 0;
    for (std::size_t i = 1; i < cores_.size(); ++i) {
        if (cores_[i]->load.load(std::memory_order_relaxed) < cores_[best]->load.load(std::memory_order_relaxed)) {
            best = i;
        }
    }
    return best;
}

void core_pool::run_core(std::size_t i)
{
    if (pin_) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(static_cast<int>(i % CPU_SETSIZE), &set);
        if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0) {
            spdlog::warn("engine: could not pin core {} to its CPU", i);
        }
    }
    ++running_;
    struct leave {
        std::atomic<int>& n;
        ~leave() { --n; }
    } guard{running_};
    for (;;) {
        try {
            cores_[i]->ctx.run();
            return;
        } catch (const boost::system::system_error& e) {
            if (std::string_view(e.what()).find("io_uring") == std::string_view::npos) {
                spdlog::error("engine: core {}: unhandled exception: {}", i, e.what());
                continue;
            }
            // The core's ring could not be set up (e.g. RLIMIT_MEMLOCK): this core cannot run,
            // and retrying would spin. Stop the whole pool; commands exit 1.
            std::string hint = e.code() == boost::system::errc::not_enough_memory ? " (" + memlock_hint() + ")" : "";
            spdlog::error("engine: core {} cannot start: {}{}", i, e.what(), hint);
            engine_failed_flag().store(true);
            stop();
            return;
        } catch (const std::exception& e) {
            // A detached root task threw: an invariant broke. Log, and keep the core alive.
            spdlog::error("engine: core {}: unhandled exception: {}", i, e.what());
        }
    }
}

void core_pool::start()
{
    if (started_) {
        return;
    }
    started_ = true;
    for (std::size_t i = 1; i < cores_.size(); ++i) {
        cores_[i]->thread = std::thread([this, i] { run_core(i); });
    }
}

void core_pool::run()
{
    start();
    run_core(0);
}

void core_pool::stop() noexcept
{
    stopping_.store(true);
    for (auto& c : cores_) {
        c->ctx.stop();
    }
}

void core_pool::join()
{
    for (auto& c : cores_) {
        if (c->thread.joinable()) {
            c->thread.join();
        }
    }
}

} // namespace pcp::engine
