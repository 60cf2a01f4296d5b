# SPDX-License-Identifier: MIT
# Every dependency is a Debian 12 package (scripts/install-deps.sh); nothing is vendored or downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(URING REQUIRED IMPORTED_TARGET liburing)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)
find_package(GTest REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
if(PCP_BUILD_BENCH AND NOT PCP_FUZZ)
  find_package(benchmark REQUIRED)
endif()

# The one door to Boost.Asio (DESIGN §3): the backend macros live here and nowhere else, and
# engine/asio.hpp refuses to compile without PCP_ASIO_DOOR. Link pcp::asio to reach Asio.
add_library(pcp_asio INTERFACE)
add_library(pcp::asio ALIAS pcp_asio)
target_compile_definitions(pcp_asio INTERFACE
  PCP_ASIO_DOOR=1
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_DISABLE_BOOST_COROUTINE)
if(PCP_IO_BACKEND STREQUAL "io_uring")
  target_compile_definitions(pcp_asio INTERFACE BOOST_ASIO_HAS_IO_URING BOOST_ASIO_DISABLE_EPOLL PCP_IO_URING=1)
elseif(PCP_IO_BACKEND STREQUAL "epoll")
  target_compile_definitions(pcp_asio INTERFACE PCP_IO_URING=0)
else()
  message(FATAL_ERROR "PCP_IO_BACKEND must be io_uring or epoll")
endif()
target_link_libraries(pcp_asio INTERFACE Boost::headers PkgConfig::URING Threads::Threads)
