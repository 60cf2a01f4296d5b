// SPDX-License-Identifier: MIT
// Shared by the js interop programs (peer.mjs, kad_net.mjs): the Node 20 polyfill libp2p 2.9.0
// needs, and the refusal to run a libp2p node outside a test network namespace.
// Import this module before any libp2p module is evaluated (the programs import libp2p lazily).

// libp2p 2.9.0 calls Promise.withResolvers, which Node 20 lacks.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

import fs from 'node:fs'
import os from 'node:os'

// Addresses a test namespace may carry besides loopback: 10.0.0.0/8, fd00::/8, fe80::/10.
function isTestAddress (a) {
  if (a.family === 'IPv4') return a.address.startsWith('10.')
  return /^(fd|fe80)/i.test(a.address)
}

/// Why this process must not start a libp2p node here, or null when it may: it refuses the
/// host's network namespace, and any interface that carries a non-test address.
export function netnsRefusal () {
  try {
    if (fs.readlinkSync('/proc/self/ns/net') === fs.readlinkSync('/proc/1/ns/net')) {
      return 'refusing to run in the host network namespace; use tests/netns/netns.sh (unshare -n / ip netns)'
    }
  } catch {
    // /proc/1 unreadable (user namespace): the interface check below decides
  }
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    const bad = (addrs ?? []).find(a => !a.internal && !isTestAddress(a))
    if (bad) return `refusing to run: interface ${name} has non-test address ${bad.address}`
  }
  return null
}
