// SPDX-License-Identifier: MIT
// The per-core runtime (DESIGN §3, STYLE §G): one io_context per core, each run by one thread, on
// Asio's io_uring backend. A connection lives on one core for its whole life; cross-core work is an
// explicit submit_to(). Threads are pinned only on request.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/task.hpp"

namespace pcp::engine {

struct core_pool_options {
    /// Number of cores (io_contexts); 0 = std::thread::hardware_concurrency().
    std::size_t cores = 0;
    /// Pin thread i to CPU i (only when asked: two local pinned processes collide, DESIGN §3).
    bool pin = false;
};

namespace detail {
template <class T>
struct task_value;
template <class T>
struct task_value<asio::awaitable<T>> {
    using type = T;
};
} // namespace detail

/// A core's io_uring could not be set up (usually RLIMIT_MEMLOCK): thrown by core_pool's
/// constructor, which sets every ring up before any thread runs. what() says what to do.
class engine_setup_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One io_context per core. Core 0 runs on the thread that calls run(); cores 1..n-1 get their own
/// threads from start(). Not copyable; destroying it stops and joins every core, and destroys the
/// frames of tasks still in flight (no leak: io_context shutdown destroys pending handlers).
class core_pool {
public:
    explicit core_pool(core_pool_options opts = {});
    core_pool(const core_pool&) = delete;
    core_pool& operator=(const core_pool&) = delete;
    ~core_pool();

    [[nodiscard]] std::size_t size() const noexcept { return cores_.size(); }
    [[nodiscard]] asio::io_context& context(std::size_t core) { return cores_.at(core)->ctx; }
    [[nodiscard]] asio::any_io_executor executor(std::size_t core) { return context(core).get_executor(); }

    /// The core with the fewest live connections (ties: lowest index). Callers bump load with
    /// load_guard for as long as a connection lives there.
    [[nodiscard]] std::size_t least_loaded_core() const noexcept;

    /// RAII counter of work attached to a core (used by least_loaded_core).
    class load_guard {
    public:
        load_guard() = default;
        load_guard(core_pool& p, std::size_t core) : pool_(&p), core_(core) { ++p.cores_[core]->load; }
        load_guard(load_guard&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), core_(o.core_) {}
        load_guard& operator=(load_guard&& o) noexcept
        {
            reset();
            pool_ = std::exchange(o.pool_, nullptr);
            core_ = o.core_;
            return *this;
        }
        ~load_guard() { reset(); }
        void reset() noexcept
        {
            // While ~core_pool destroys the cores one by one, the frames of one core's pending
            // tasks may hold guards of a core that is already gone (its slot is null by then).
            if (auto* p = std::exchange(pool_, nullptr); p && p->cores_[core_]) {
                --p->cores_[core_]->load;
            }
        }

    private:
        core_pool* pool_ = nullptr;
        std::size_t core_ = 0;
    };

    /// Start threads for cores 1..n-1 (idempotent).
    void start();
    /// Run core 0 on the calling thread until stop(); starts the other cores first.
    void run();
    /// Ask every core to stop (thread-safe, idempotent). run() returns soon after.
    void stop() noexcept;
    /// Join the threads of cores 1..n-1.
    void join();
    [[nodiscard]] bool stopped() const noexcept { return stopping_.load(); }
    /// True once stop() was called and no core is running any more (run() returned, threads joined).
    [[nodiscard]] bool quiescent() const noexcept { return stopping_.load() && running_.load() == 0; }

    /// After stop(), with no core running: run the handlers that are ready on every core (the
    /// completions of operations cancelled during shutdown, posted closes) until none is left, at
    /// most `max_rounds` rounds. Objects that own sockets call this before they go away, so that
    /// no cancelled operation outlives the services it refers to. No-op unless quiescent().
    void drain(int max_rounds = 32);

    /// Run `fn()` (which returns task<T>) on `core` and resume the caller on its own executor with
    /// the value. Exceptions propagate to the caller. Safe to cancel only as a whole.
    template <class F>
    auto submit_to(std::size_t core, F fn) -> task<typename detail::task_value<std::invoke_result_t<F&>>::type>
    {
        using value = typename detail::task_value<std::invoke_result_t<F&>>::type;
        if constexpr (std::is_void_v<value>) {
            co_await asio::co_spawn(executor(core), run_void(std::move(fn)), asio::use_awaitable);
        } else {
            std::optional<value> v = co_await asio::co_spawn(executor(core), run_value(std::move(fn)), asio::use_awaitable);
            co_return std::move(*v);
        }
    }

private:
    template <class F>
    static task<void> run_void(F fn)
    {
        co_await fn();
    }
    template <class F>
    static auto run_value(F fn) -> task<std::optional<typename detail::task_value<std::invoke_result_t<F&>>::type>>
    {
        using value = typename detail::task_value<std::invoke_result_t<F&>>::type;
        co_return std::optional<value>(co_await fn());
    }

    struct core {
        asio::io_context ctx{1};
        std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
        std::atomic<std::size_t> load{0};
        std::thread thread;
    };
    void run_core(std::size_t i);

    std::vector<std::unique_ptr<core>> cores_;
    bool pin_;
    bool started_ = false;
    std::atomic<bool> stopping_{false};
    std::atomic<int> running_{0};
};

} // namespace pcp::engine
