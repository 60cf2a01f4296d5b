#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Regenerates the key/signature vectors in this folder with python3 `cryptography` (see README.md).
import hashlib
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(b: bytes) -> str:
    n = int.from_bytes(b, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + s


def varint(n: int) -> bytes:
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def key_pb(t: int, data: bytes) -> bytes:
    return b"\x08" + bytes([t]) + b"\x12" + varint(len(data)) + data


def peer_id(pb: bytes) -> str:
    mh = b"\x00" + varint(len(pb)) + pb if len(pb) <= 42 else b"\x12\x20" + hashlib.sha256(pb).digest()
    return b58(mh)


MSG = b"pcp peer vector: libp2p signature over SHA-256"


def write(name: str, t: int, data: bytes, sig: bytes) -> None:
    pb = key_pb(t, data)
    with open(name, "w") as f:
        f.write(f"pubkey_pb {pb.hex()}\n")
        f.write(f"msg {MSG.hex()}\n")
        f.write(f"sig {sig.hex()}\n")
        f.write(f"peer_id {peer_id(pb)}\n")


def spki(k) -> bytes:
    return k.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


for bits in (2048, 1024):
    k = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    write(f"rsa{bits}.txt", 0, spki(k), k.sign(MSG, padding.PKCS1v15(), hashes.SHA256()))

for curve, name in ((ec.SECP256R1(), "ecdsa_p256.txt"), (ec.SECP384R1(), "ecdsa_p384.txt")):
    k = ec.generate_private_key(curve)
    write(name, 3, spki(k), k.sign(MSG, ec.ECDSA(hashes.SHA256())))

# secp256k1: the spec's private key (peer-ids.md test vectors), compressed public point.
d = int("53DADF1D5A164D6B4ACDB15E24AA4C5B1D3461BDBD42ABEDB0A4404D56CED8FB", 16)
k = ec.derive_private_key(d, ec.SECP256K1())
point = k.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
write("secp256k1.txt", 2, point, k.sign(MSG, ec.ECDSA(hashes.SHA256())))
