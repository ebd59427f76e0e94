#!/usr/bin/env python3
# Runs a program under the seccomp filter that systemd 252 installs for MemoryDenyWriteExecute=yes
# (EPERM for mmap with PROT_WRITE|PROT_EXEC, mprotect/pkey_mprotect with PROT_EXEC, shmat with SHM_EXEC), to check
# whether the program tolerates the setting without a running systemd (docs/packaging.md). Needs libseccomp2.
#   python3 packaging/systemd/mdwe-probe.py /usr/lib/imaging-edge/imaging-edge --version
import ctypes, os, sys
lib = ctypes.CDLL("libseccomp.so.2")
class Cmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("a", ctypes.c_uint64), ("b", ctypes.c_uint64)]
lib.seccomp_init.restype = ctypes.c_void_p
lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(Cmp)]
lib.seccomp_load.argtypes = [ctypes.c_void_p]
ALLOW, EPERM = 0x7fff0000, 0x00050000 | 1
MASKED_EQ = 7
PROT_WRITE, PROT_EXEC, SHM_EXEC = 2, 4, 0o100000
ctx = lib.seccomp_init(ALLOW)
def rule(name, arg, mask):
    nr = lib.seccomp_syscall_resolve_name(name.encode())
    c = (Cmp * 1)(Cmp(arg, MASKED_EQ, mask, mask))
    assert lib.seccomp_rule_add_array(ctx, EPERM, nr, 1, c) == 0, name
rule("mmap", 2, PROT_WRITE | PROT_EXEC)
rule("mprotect", 2, PROT_EXEC)
rule("pkey_mprotect", 2, PROT_EXEC)
rule("shmat", 2, SHM_EXEC)
assert lib.seccomp_load(ctx) == 0
os.execv(sys.argv[1], sys.argv[1:])
