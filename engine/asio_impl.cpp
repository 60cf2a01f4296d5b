// SPDX-License-Identifier: MIT
// The single translation unit that compiles Asio's implementation (BOOST_ASIO_SEPARATE_COMPILATION).
#include "engine/asio.hpp"
#include <boost/asio/impl/src.hpp>
